import { type Phrasebook, afterColon, ended } from './phrasebook.js';

// Usted throughout: the safe register for a first business email across Spain and Latin America.
// Spanish writes on in lower case after a colon: pronouns and articles are lowered.
const PRONOUNS = ['Nosotros', 'Nuestro', 'Nuestra', 'Nuestros', 'Nuestras', 'Esto', 'Este', 'Esta', 'El', 'La', 'Los', 'Las', 'Un', 'Una'];

export const es: Phrasebook = {
  greeting: (facts) => (facts.first ? `Hola, ${facts.first}:` : 'Hola:'),
  subject: (facts) => (facts.company ? `Una pregunta rápida para ${facts.company}` : 'Una pregunta rápida'),
  toYou: () => null,
  opening(facts, offer) {
    const pitch = offer ? afterColon(ended(offer), PRONOUNS) : null;
    const why =
      facts.title
        ? pitch
          ? `Como ${facts.title}${facts.company ? ` en ${facts.company}` : ''}, seguramente es usted la persona indicada, así que seré breve: ${pitch}`
          : `Como ${facts.title}${facts.company ? ` en ${facts.company}` : ''}, seguramente es usted la persona indicada para una idea que quiero proponerle.`
        : pitch
          ? `Le escribo porque ${facts.company ? `${facts.company}${facts.city ? `, en ${facts.city},` : ''}` : 'su empresa'} encaja muy bien con lo que mejor hacemos: ${pitch}`
          : `Le escribo porque tengo una idea que podría ser útil para ${facts.company ?? 'su empresa'}.`;
    return [why, `¿Le parecería útil una llamada breve la próxima semana para ver si encaja en ${facts.company ?? 'su empresa'}?`];
  },
  value(facts, offer, proof) {
    const points = [
      offer ? `Para ${facts.company ?? 'su empresa'}, probablemente lo más importante es esto: ${afterColon(ended(offer), PRONOUNS)}` : null,
      proof ? `Y para que no tenga que fiarse solo de mi palabra: ${afterColon(ended(proof), PRONOUNS)}` : null,
    ].filter((point): point is string => point !== null);
    if (points.length === 0) points.push(`Si le sirve, en veinte minutos le muestro cómo funcionaría en ${facts.company ?? 'su empresa'}, con sus propias cifras.`);
    return ['Un breve seguimiento de mi mensaje de abajo, con lo que me faltó contarle.', points.join(' '), `¿Vale la pena analizarlo con más detalle en ${facts.company ?? 'su empresa'} este trimestre?`];
  },
  question: (facts) => [
    `Una pregunta: ¿quién se ocupa hoy de este tema en ${facts.company ?? 'su empresa'}, usted u otra persona del equipo?`,
    'Si es otra persona, dígame quién y le escribo directamente, para que usted no tenga que hacer de intermediario.',
  ],
  example(facts, proof, offer, n) {
    const variants = [
      `La mayoría de las empresas como ${facts.company ?? 'la suya'} empiezan con poco, en una sola planta, y deciden al ver los primeros resultados.`,
      'Por dónde empezar lo decide usted: una planta, una línea o los datos de un solo mes.',
    ];
    const point = proof
      ? `Un ejemplo breve que puede resultarle cercano a ${facts.company ?? 'su equipo'}: ${afterColon(ended(proof), PRONOUNS)}`
      : offer
        ? `Otra cosa que puede ser útil para ${facts.company ?? 'su empresa'}: ${afterColon(ended(offer), PRONOUNS)}`
        : variants[n % variants.length]!;
    const close = n === 0 ? `Si ${facts.company ?? 'su empresa'} está en una situación parecida, una llamada breve nos diría rápido a ambos si encaja.` : 'Con gusto le enseño las cifras que hay detrás, cuando le venga bien.';
    return [point, close];
  },
  breakUp: (facts) => [
    'No quiero llenarle la bandeja de entrada, así que este es mi último mensaje por ahora.',
    `Si más adelante es mejor momento${facts.company ? ` para ${facts.company}` : ''}, responda a este correo y retomamos la conversación.`,
  ],
  wrote: (sender) => `${sender} escribió:`,
};
