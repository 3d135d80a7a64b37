import { type Facts, type Phrasebook, afterColon, ended } from './phrasebook.js';

const PRONOUNS = ['We', 'Our', 'Us', 'It', 'Its', 'This', 'These', 'The', 'A', 'An'];

/** Third person to second: "runs" → "run", "has" → "have", "is" → "are". */
function toSecondPerson(verb: string): string {
  const irregular: Record<string, string> = { is: 'are', has: 'have', does: 'do', was: 'were', "isn't": "aren't", "doesn't": "don't", "hasn't": "haven't" };
  if (irregular[verb]) return irregular[verb]!;
  if (/[^aeiou]ies$/.test(verb)) return `${verb.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x|z|o)es$/.test(verb)) return verb.slice(0, -2);
  if (/[^s]s$/.test(verb)) return verb.slice(0, -1);
  return verb;
}

const at = (facts: Facts) => (facts.company ? `at ${facts.company}${facts.city ? ` in ${facts.city}` : ''}` : facts.city ? `in ${facts.city}` : '');

export const en: Phrasebook = {
  greeting: (facts) => `Hi ${facts.first ?? 'there'},`,
  subject: (facts) => `A quick question for ${facts.company ?? 'you'}`,
  toYou(sentence, facts) {
    const names = [facts.first && facts.last ? `${facts.first} ${facts.last}` : null, facts.first, 'He', 'She'].filter((name): name is string => Boolean(name));
    for (const name of names) {
      if (!sentence.startsWith(`${name} `)) continue;
      const [verb = '', ...rest] = sentence.slice(name.length + 1).split(' ');
      const said = [toSecondPerson(verb), ...rest]
        .join(' ')
        // A second verb of the same person ("runs the plant and worries about …").
        .replace(/\band (\w+s)(?= (?:about|the|a|an|to|his|her|their|on|for|with|in|at|of|more|less)\b)/g, (_, second: string) => `and ${toSecondPerson(second)}`).replace(/\b(?:his|her|their)\b/g, 'your').replace(/\b(?:him|them)\b/g, 'you').replace(/\b(?:he|she)\b/g, 'you');
      return ended(`From what I hear, you ${said}`);
    }
    if (facts.company && sentence.includes(facts.company)) return ended(`From what I hear, ${afterColon(sentence, PRONOUNS)}`);
    return null;
  },
  opening(facts, offer, aboutThem) {
    const pitch = offer ? afterColon(ended(offer), PRONOUNS) : null;
    const why =
      facts.title
        ? pitch
          ? `As ${facts.title}${facts.company ? ` at ${facts.company}` : ''}, you are probably the right person for this, so I'll keep it short: ${pitch}`
          : `As ${facts.title}${facts.company ? ` at ${facts.company}` : ''}, you are probably the right person for an idea I'd like to share.`
        : pitch
          ? `I'm writing to you ${at(facts) || `directly, ${facts.first ?? 'if I may'},`} with one thing we do well: ${pitch}`
          : `I'm writing to you ${at(facts) || 'directly'} with an idea that could be useful to you.`;
    const ask = facts.company ? `Would a short call next week be worth it for ${facts.company}?` : `Would a short call next week be worth it, ${facts.first ?? 'do you think'}?`;
    return [[aboutThem, why].filter(Boolean).join(' '), ask];
  },
  value(facts, offer, proof) {
    const kind = facts.industry && facts.company ? `a ${facts.industry.toLowerCase()} company like ${facts.company}` : (facts.company ?? 'a team like yours');
    const points = [
      offer ? `For ${kind}, the part that matters most is probably this: ${afterColon(ended(offer), PRONOUNS)}` : null,
      proof ? `And so it is not just my word for it${facts.company ? `, here is what I would point ${facts.company} to` : ''}: ${afterColon(ended(proof), PRONOUNS)}` : null,
    ].filter((point): point is string => point !== null);
    if (points.length === 0) points.push(`If it helps, I can walk ${facts.company ?? 'you'} through how it works in twenty minutes, with your own numbers.`);
    return ['A short follow-up to my note below, with the part I left out.', points.join(' '), `Is this worth a closer look ${facts.company ? `at ${facts.company}` : 'on your side'} this quarter?`];
  },
  question: (facts) => [
    `One question: who at ${facts.company ?? 'your company'} looks after this today — you, or someone else on the team?`,
    'If it is someone else, tell me who and I will write to them instead, so you are not the go-between.',
  ],
  example(facts, proof, offer, n) {
    const variants = [
      `Most teams like ${facts.company ?? 'yours'} start small, with one site, and decide once they see the first results.`,
      'Where to start is your call: one site, one line, or a single month of data.',
    ];
    const point = proof
      ? `A short example that may be close to home for ${facts.company ?? 'you'}: ${afterColon(ended(proof), PRONOUNS)}`
      : offer
        ? `One more thing ${facts.company ?? 'your team'} may find useful: ${afterColon(ended(offer), PRONOUNS)}`
        : variants[n % variants.length]!;
    const close = n === 0 ? `If ${facts.company ?? 'your team'} is in a similar spot, a short call would tell us both quickly whether it fits.` : 'I am happy to show you the numbers behind it, whenever suits you.';
    return [point, close];
  },
  breakUp: (facts) => [
    "I don't want to crowd your inbox, so this is my last note for now.",
    `If the timing is better later${facts.company ? ` for ${facts.company}` : ''}, just reply to this email and I'll pick it up from there.`,
  ],
  wrote: (sender) => `${sender} wrote:`,
};
