import { type Phrasebook, afterColon, ended } from './phrasebook.js';

// Vous throughout; a space before the double punctuation (: ? !), as French typography asks.
// French writes on in lower case after a colon: pronouns and articles are lowered.
const PRONOUNS = ['Nous', 'Notre', 'Nos', 'Cela', 'Ce', 'Cette', 'Le', 'La', 'Les', 'Un', 'Une', 'Des'];

export const fr: Phrasebook = {
  greeting: (facts) => (facts.first ? `Bonjour ${facts.first},` : 'Bonjour,'),
  subject: (facts) => (facts.company ? `Une question rapide pour ${facts.company}` : 'Une question rapide'),
  toYou: () => null,
  opening(facts, offer) {
    const pitch = offer ? afterColon(ended(offer), PRONOUNS) : null;
    const why =
      facts.title
        ? pitch
          ? `En tant que ${facts.title}${facts.company ? ` chez ${facts.company}` : ''}, vous êtes sans doute la bonne personne, alors je vais droit au but : ${pitch}`
          : `En tant que ${facts.title}${facts.company ? ` chez ${facts.company}` : ''}, vous êtes sans doute la bonne personne pour une idée que j'aimerais vous soumettre.`
        : pitch
          ? `Je vous écris parce que ${facts.company ? `${facts.company}${facts.city ? `, à ${facts.city},` : ''}` : 'votre entreprise'} correspond bien à ce que nous faisons de mieux : ${pitch}`
          : `Je vous écris avec une idée qui pourrait être utile à ${facts.company ?? 'votre équipe'}.`;
    return [why, `Un court appel la semaine prochaine vous semblerait-il utile pour ${facts.company ?? 'votre équipe'} ?`];
  },
  value(facts, offer, proof) {
    const points = [
      offer ? `Pour ${facts.company ?? 'votre entreprise'}, le plus important est sans doute ceci : ${afterColon(ended(offer), PRONOUNS)}` : null,
      proof ? `Et pour que vous n'ayez pas à me croire sur parole : ${afterColon(ended(proof), PRONOUNS)}` : null,
    ].filter((point): point is string => point !== null);
    if (points.length === 0) points.push(`Si cela vous aide, je peux vous montrer en vingt minutes ce que cela donnerait chez ${facts.company ?? 'vous'}, avec vos propres chiffres.`);
    return ["Un petit complément à mon message ci-dessous, avec le point que j'avais laissé de côté.", points.join(' '), `Cela vaut-il la peine d'y regarder de plus près chez ${facts.company ?? 'vous'} ce trimestre ?`];
  },
  question: (facts) => [
    `Une question : qui s'occupe de ce sujet aujourd'hui chez ${facts.company ?? 'vous'}, vous-même ou quelqu'un d'autre dans l'équipe ?`,
    "Si c'est quelqu'un d'autre, dites-moi qui et je lui écrirai directement, pour que vous n'ayez pas à servir d'intermédiaire.",
  ],
  example(facts, proof, offer, n) {
    const variants = [
      `La plupart des entreprises comme ${facts.company ?? 'la vôtre'} commencent petit, sur un seul site, et décident après les premiers résultats.`,
      "Par où commencer, c'est vous qui décidez : un site, une ligne ou les données d'un seul mois.",
    ];
    const point = proof
      ? `Un court exemple qui pourrait parler à ${facts.company ?? 'votre équipe'} : ${afterColon(ended(proof), PRONOUNS)}`
      : offer
        ? `Un autre point qui pourrait être utile à ${facts.company ?? 'votre équipe'} : ${afterColon(ended(offer), PRONOUNS)}`
        : variants[n % variants.length]!;
    const close = n === 0 ? `Si ${facts.company ?? 'votre équipe'} se trouve dans une situation semblable, un court appel nous dirait vite à tous les deux si cela convient.` : 'Je vous montre volontiers les chiffres qui se cachent derrière, quand cela vous arrange.';
    return [point, close];
  },
  breakUp: (facts) => [
    "Je ne veux pas encombrer votre boîte de réception, c'est donc mon dernier message pour le moment.",
    `Si le moment est mieux choisi plus tard${facts.company ? ` pour ${facts.company}` : ''}, répondez simplement à cet e-mail et je reprendrai à partir de là.`,
  ],
  wrote: (sender) => `${sender} a écrit :`,
};
