import { type Phrasebook, afterColon, ended } from './phrasebook.js';

// European Portuguese, in the formal third person (no "você"), which also reads as polite in Brazil.
// A company is "a empresa": "na", "à", "da" before its name.
// Portuguese writes on in lower case after a colon: pronouns and articles are lowered.
const PRONOUNS = ['Nós', 'Nosso', 'Nossa', 'Nossos', 'Nossas', 'Isto', 'Este', 'Esta', 'O', 'A', 'Os', 'As', 'Um', 'Uma'];

export const pt: Phrasebook = {
  greeting: (facts) => (facts.first ? `Olá, ${facts.first},` : 'Olá,'),
  subject: (facts) => (facts.company ? `${facts.company}: uma pergunta rápida` : 'Uma pergunta rápida'),
  toYou: () => null,
  opening(facts, offer) {
    const pitch = offer ? afterColon(ended(offer), PRONOUNS) : null;
    const why =
      facts.title
        ? pitch
          ? `Como ${facts.title}${facts.company ? ` na ${facts.company}` : ''}, é provavelmente a pessoa certa para isto, por isso vou direto ao assunto: ${pitch}`
          : `Como ${facts.title}${facts.company ? ` na ${facts.company}` : ''}, é provavelmente a pessoa certa para uma ideia que gostaria de lhe apresentar.`
        : pitch
          ? `Escrevo-lhe porque ${facts.company ? `a ${facts.company}${facts.city ? `, em ${facts.city},` : ''}` : 'a sua empresa'} tem tudo a ver com o que fazemos melhor: ${pitch}`
          : `Escrevo-lhe com uma ideia que pode ser útil para ${facts.company ? `a ${facts.company}` : 'a sua equipa'}.`;
    return [why, `Uma chamada curta na próxima semana seria útil para ${facts.company ? `a ${facts.company}` : 'a sua equipa'}?`];
  },
  value(facts, offer, proof) {
    const points = [
      offer ? `Para ${facts.company ? `a ${facts.company}` : 'a sua empresa'}, o mais importante é provavelmente isto: ${afterColon(ended(offer), PRONOUNS)}` : null,
      proof ? `E para não ter de confiar apenas na minha palavra: ${afterColon(ended(proof), PRONOUNS)}` : null,
    ].filter((point): point is string => point !== null);
    if (points.length === 0) points.push(`Se ajudar, mostro-lhe em vinte minutos como funcionaria ${facts.company ? `na ${facts.company}` : 'na sua empresa'}, com os seus próprios números.`);
    return ['Um breve seguimento da minha mensagem abaixo, com o ponto que ficou por dizer.', points.join(' '), `Vale a pena olhar para isto com mais atenção ${facts.company ? `na ${facts.company}` : 'na sua empresa'} este trimestre?`];
  },
  question: (facts) => [
    `Uma pergunta: hoje, ${facts.company ? `na ${facts.company}` : 'na sua empresa'}, este tema está consigo ou com outra pessoa da equipa?`,
    'Se for outra pessoa, diga-me quem e escrevo-lhe diretamente, para não ter de servir de intermediário.',
  ],
  example(facts, proof, offer, n) {
    const variants = [
      `A maioria das empresas como ${facts.company ? `a ${facts.company}` : 'a sua'} começa por pouco, num só local, e decide depois dos primeiros resultados.`,
      'Por onde começar, a decisão é sua: um local, uma linha ou os dados de um único mês.',
    ];
    const point = proof
      ? `Um exemplo curto que pode dizer muito ${facts.company ? `à ${facts.company}` : 'à sua equipa'}: ${afterColon(ended(proof), PRONOUNS)}`
      : offer
        ? `Mais um ponto que pode ser útil para ${facts.company ? `a ${facts.company}` : 'a sua empresa'}: ${afterColon(ended(offer), PRONOUNS)}`
        : variants[n % variants.length]!;
    const close = n === 0 ? `Se ${facts.company ? `a ${facts.company}` : 'a sua empresa'} estiver numa situação parecida, uma chamada curta diria rapidamente a ambos se faz sentido.` : 'Mostro-lhe com todo o gosto os números por trás disto, quando lhe for conveniente.';
    return [point, close];
  },
  breakUp: (facts) => [
    'Não quero encher a sua caixa de correio, por isso esta é a minha última mensagem por agora.',
    `Se mais tarde for melhor altura${facts.company ? ` para a ${facts.company}` : ''}, basta responder a este email e retomamos a partir daí.`,
  ],
  wrote: (sender) => `${sender} escreveu:`,
};
