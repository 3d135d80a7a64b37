import { ZohoError } from '../errors.js';

/** The COQL subset Zoho documents: select … from … where … [order by …] [limit …] [offset …]. */
export interface CoqlQuery {
  columns: string[];
  module: string;
  where: CoqlCondition;
  orderBy: { column: string; direction: 'asc' | 'desc' }[];
  limit: number;
  offset: number;
}

export type CoqlValue = string | number | boolean | null;

export type CoqlCondition =
  | { kind: 'and' | 'or'; left: CoqlCondition; right: CoqlCondition }
  | { kind: 'compare'; column: string; operator: '=' | '!=' | '<' | '>' | '<=' | '>='; value: CoqlValue }
  | { kind: 'like'; column: string; pattern: string; negated: boolean }
  | { kind: 'in'; column: string; values: CoqlValue[]; negated: boolean }
  | { kind: 'null'; column: string; negated: boolean }
  | { kind: 'between'; column: string; low: CoqlValue; high: CoqlValue; negated: boolean };

type Token =
  | { type: 'word'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; value: number }
  | { type: 'symbol'; text: string };

export const COQL_MAX_LIMIT = 2000;
export const COQL_DEFAULT_LIMIT = 200;
const MAX_COLUMNS = 50;
const MAX_DEPTH = 25;
const MAX_QUERY_LENGTH = 10_000;
const MAX_OFFSET_PLUS_LIMIT = 100_000;

function syntaxError(message: string, details: Record<string, unknown> = {}): ZohoError {
  return new ZohoError(400, 'SYNTAX_ERROR', message, details);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index]!;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'") {
      let text = '';
      index += 1;
      for (;;) {
        if (index >= query.length) throw syntaxError('unterminated string', { near: text });
        const current = query[index]!;
        if (current === '\\' && index + 1 < query.length) {
          text += query[index + 1];
          index += 2;
        } else if (current === "'" && query[index + 1] === "'") {
          text += "'";
          index += 2;
        } else if (current === "'") {
          index += 1;
          break;
        } else {
          text += current;
          index += 1;
        }
      }
      tokens.push({ type: 'string', text });
    } else if (/[0-9-]/.test(char) && /[0-9]/.test(query[char === '-' ? index + 1 : index] ?? '')) {
      const match = /^-?\d+(\.\d+)?/.exec(query.slice(index))!;
      tokens.push({ type: 'number', value: Number(match[0]) });
      index += match[0].length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*/.exec(query.slice(index))!;
      tokens.push({ type: 'word', text: match[0] });
      index += match[0].length;
    } else {
      const two = query.slice(index, index + 2);
      if (['!=', '<=', '>=', '<>'].includes(two)) {
        tokens.push({ type: 'symbol', text: two === '<>' ? '!=' : two });
        index += 2;
      } else if ('=<>(),'.includes(char)) {
        tokens.push({ type: 'symbol', text: char });
        index += 1;
      } else {
        throw syntaxError(`unexpected character "${char}"`, { position: index });
      }
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.position += 1;
    return true;
  }

  private expectKeyword(word: string, clause: string): void {
    if (!this.acceptKeyword(word)) throw syntaxError(`expected ${word.toUpperCase()}`, { clause });
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token?.type !== 'symbol' || token.text !== symbol) return false;
    this.position += 1;
    return true;
  }

  private column(clause: string): string {
    const token = this.peek();
    if (token?.type !== 'word') throw syntaxError('expected a column name', { clause });
    this.position += 1;
    return token.text;
  }

  private value(clause: string): CoqlValue {
    const token = this.peek();
    this.position += 1;
    if (token?.type === 'string') return token.text;
    if (token?.type === 'number') return token.value;
    if (token?.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      if (word === 'null') return null;
    }
    throw syntaxError('expected a value', { clause });
  }

  private integer(clause: string): number {
    const token = this.peek();
    this.position += 1;
    if (token?.type !== 'number' || !Number.isInteger(token.value) || token.value < 0) throw syntaxError('expected a number', { clause });
    return token.value;
  }

  parse(): CoqlQuery {
    this.expectKeyword('select', 'select');
    const columns = [this.column('select')];
    while (this.acceptSymbol(',')) columns.push(this.column('select'));
    if (columns.length > MAX_COLUMNS) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'the number of columns exceeds the limit', { limit: MAX_COLUMNS });
    this.expectKeyword('from', 'from');
    const module = this.column('from');
    if (!this.acceptKeyword('where')) throw syntaxError('WHERE clause is mandatory', { clause: 'where' });
    const where = this.orExpression();
    const orderBy: CoqlQuery['orderBy'] = [];
    if (this.acceptKeyword('order')) {
      this.expectKeyword('by', 'order by');
      do {
        const column = this.column('order by');
        const direction = this.acceptKeyword('desc') ? 'desc' : (this.acceptKeyword('asc'), 'asc');
        orderBy.push({ column, direction });
      } while (this.acceptSymbol(','));
    }
    let limit = COQL_DEFAULT_LIMIT;
    let offset = 0;
    if (this.acceptKeyword('limit')) {
      const first = this.integer('limit');
      if (this.acceptSymbol(',')) {
        offset = first;
        limit = this.integer('limit');
      } else {
        limit = first;
      }
    }
    if (this.acceptKeyword('offset')) offset = this.integer('offset');
    if (this.peek()) throw syntaxError('unexpected text after the query', { near: JSON.stringify(this.peek()) });
    if (limit > COQL_MAX_LIMIT) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'limit exceeds the maximum', { limit: COQL_MAX_LIMIT });
    if (limit + offset > MAX_OFFSET_PLUS_LIMIT) {
      throw new ZohoError(400, 'LIMIT_EXCEEDED', 'offset and limit exceed the maximum', { limit: MAX_OFFSET_PLUS_LIMIT });
    }
    return { columns, module, where, orderBy, limit, offset };
  }

  private orExpression(): CoqlCondition {
    let left = this.andExpression();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.andExpression() };
    return left;
  }

  private andExpression(): CoqlCondition {
    let left = this.primary();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.primary() };
    return left;
  }

  private primary(): CoqlCondition {
    if (this.acceptSymbol('(')) {
      this.depth += 1;
      if (this.depth > MAX_DEPTH) throw syntaxError('the where clause is nested too deeply', { clause: 'where', limit: MAX_DEPTH });
      const inner = this.orExpression();
      this.depth -= 1;
      if (!this.acceptSymbol(')')) throw syntaxError('expected )', { clause: 'where' });
      return inner;
    }
    const column = this.column('where');
    if (this.acceptKeyword('is')) {
      const negated = this.acceptKeyword('not');
      this.expectKeyword('null', 'where');
      return { kind: 'null', column, negated };
    }
    const negated = this.acceptKeyword('not');
    if (this.acceptKeyword('like')) {
      const pattern = this.value('where');
      if (typeof pattern !== 'string') throw syntaxError('LIKE needs a string', { clause: 'where' });
      return { kind: 'like', column, pattern, negated };
    }
    if (this.acceptKeyword('in')) {
      if (!this.acceptSymbol('(')) throw syntaxError('expected (', { clause: 'where' });
      const values = [this.value('where')];
      while (this.acceptSymbol(',')) values.push(this.value('where'));
      if (!this.acceptSymbol(')')) throw syntaxError('expected )', { clause: 'where' });
      return { kind: 'in', column, values, negated };
    }
    if (this.acceptKeyword('between')) {
      const low = this.value('where');
      this.expectKeyword('and', 'where');
      return { kind: 'between', column, low, high: this.value('where'), negated };
    }
    if (negated) throw syntaxError('NOT must be followed by LIKE, IN or BETWEEN', { clause: 'where' });
    const token = this.peek();
    if (token?.type !== 'symbol' || !['=', '!=', '<', '>', '<=', '>='].includes(token.text)) {
      throw syntaxError('expected a comparison operator', { clause: 'where', column });
    }
    this.position += 1;
    return { kind: 'compare', column, operator: token.text as '=', value: this.value('where') };
  }
}

export function parseCoql(query: string): CoqlQuery {
  if (query.length > MAX_QUERY_LENGTH) throw new ZohoError(400, 'LIMIT_EXCEEDED', 'the query is too long', { limit: MAX_QUERY_LENGTH });
  return new Parser(tokenize(query)).parse();
}

export function conditionColumns(condition: CoqlCondition): string[] {
  if ('left' in condition) return [...conditionColumns(condition.left), ...conditionColumns(condition.right)];
  return [condition.column];
}
