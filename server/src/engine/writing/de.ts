import { type Phrasebook, afterColon, ended } from './phrasebook.js';

// Formal address (Sie) throughout, as German business email expects from someone not yet known.
const PRONOUNS = ['Wir', 'Unser', 'Unsere', 'Unseren', 'Unserem'];

export const de: Phrasebook = {
  greeting: (facts) => (facts.first || facts.last ? `Guten Tag ${[facts.first, facts.last].filter(Boolean).join(' ')},` : 'Guten Tag,'),
  subject: (facts) => (facts.company ? `Eine kurze Frage an ${facts.company}` : 'Eine kurze Frage an Sie'),
  // A sentence about the person would have to be rebuilt (verb, case, word order) to be said to them: left out.
  toYou: () => null,
  opening(facts, offer) {
    const pitch = offer ? afterColon(ended(offer), PRONOUNS) : null;
    const where = facts.company ? `${facts.company}${facts.city ? ` in ${facts.city}` : ''}` : null;
    const why =
      facts.title
        ? pitch
          ? `Als ${facts.title}${facts.company ? ` bei ${facts.company}` : ''} sind Sie vermutlich genau die richtige Ansprechperson, deshalb fasse ich mich kurz: ${pitch}`
          : `Als ${facts.title}${facts.company ? ` bei ${facts.company}` : ''} sind Sie vermutlich genau die richtige Ansprechperson für eine Idee, die ich Ihnen vorstellen möchte.`
        : pitch
          ? `Ich wende mich an Sie, weil ${where ?? 'Ihr Unternehmen'} gut zu dem passt, was wir besonders gut können: ${pitch}`
          : `Ich wende mich an Sie, weil ich eine Idee habe, die für ${where ?? 'Sie'} nützlich sein könnte.`;
    return [why, `Wäre ein kurzes Gespräch in der kommenden Woche für ${facts.company ?? 'Sie'} interessant?`];
  },
  value(facts, offer, proof) {
    const points = [
      offer ? `Für ${facts.company ?? 'Ihr Unternehmen'} ist vermutlich dieser Teil am wichtigsten: ${afterColon(ended(offer), PRONOUNS)}` : null,
      proof ? `Damit Sie sich nicht nur auf mein Wort verlassen müssen: ${afterColon(ended(proof), PRONOUNS)}` : null,
    ].filter((point): point is string => point !== null);
    if (points.length === 0) points.push(`Gern zeige ich Ihnen in zwanzig Minuten, wie das bei ${facts.company ?? 'Ihnen'} aussehen könnte, mit Ihren eigenen Zahlen.`);
    return ['Ein kurzer Nachtrag zu meiner Nachricht unten, mit dem Punkt, den ich dort ausgelassen habe.', points.join(' '), `Lohnt sich ein genauerer Blick darauf ${facts.company ? `bei ${facts.company}` : 'bei Ihnen'} noch in diesem Quartal?`];
  },
  question: (facts) => [
    `Eine Frage: Wer kümmert sich ${facts.company ? `bei ${facts.company}` : 'bei Ihnen'} heute um dieses Thema – Sie selbst oder jemand anderes im Team?`,
    'Falls es jemand anderes ist, sagen Sie mir gern, wer – dann schreibe ich direkt dorthin, und Sie müssen nichts weiterleiten.',
  ],
  example(facts, proof, offer, n) {
    const variants = [
      `Die meisten Unternehmen wie ${facts.company ?? 'Ihres'} fangen klein an, mit einem Standort, und entscheiden nach den ersten Ergebnissen.`,
      'Womit Sie anfangen, entscheiden Sie: ein Standort, eine Linie oder die Daten eines einzigen Monats.',
    ];
    const point = proof
      ? `Ein kurzes Beispiel, das für ${facts.company ?? 'Sie'} naheliegen dürfte: ${afterColon(ended(proof), PRONOUNS)}`
      : offer
        ? `Noch ein Punkt, der für ${facts.company ?? 'Sie'} nützlich sein könnte: ${afterColon(ended(offer), PRONOUNS)}`
        : variants[n % variants.length]!;
    const close = n === 0 ? `Wenn ${facts.company ?? 'Ihr Team'} an einem ähnlichen Punkt steht, wissen wir nach einem kurzen Gespräch beide schnell, ob es passt.` : 'Die Zahlen dahinter zeige ich Ihnen gern, wann immer es Ihnen passt.';
    return [point, close];
  },
  breakUp: (facts) => [
    'Ich möchte Ihr Postfach nicht überfüllen, deshalb ist das vorerst meine letzte Nachricht.',
    `Wenn es ${facts.company ? `für ${facts.company} ` : ''}später besser passt, antworten Sie einfach auf diese E-Mail – dann melde ich mich wieder.`,
  ],
  wrote: (sender) => `${sender} schrieb:`,
};
