import { describe, expect, it } from 'vitest';
import { parseCoql } from '../../server/src/sandbox/crm/coql.js';
import { parseCriteria } from '../../server/src/sandbox/crm/criteria.js';
import { ZohoError } from '../../server/src/sandbox/errors.js';
import { scopeGranted } from '../../server/src/sandbox/http.js';
import { apiNameFromLabel } from '../../server/src/sandbox/metadata.js';

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ZohoError ? error.code : `not a ZohoError: ${String(error)}`;
  }
  return undefined;
}

describe('COQL parser', () => {
  it('parses select, where with precedence, order by, limit and offset', () => {
    const query = parseCoql("SELECT Last_Name, Owner.email FROM Contacts WHERE a = 'x' OR b >= 2 AND c IS NOT NULL ORDER BY Last_Name DESC, id LIMIT 10 OFFSET 20");
    expect(query.columns).toEqual(['Last_Name', 'Owner.email']);
    expect(query.module).toBe('Contacts');
    expect(query.where).toEqual({
      kind: 'or',
      left: { kind: 'compare', column: 'a', operator: '=', value: 'x' },
      right: { kind: 'and', left: { kind: 'compare', column: 'b', operator: '>=', value: 2 }, right: { kind: 'null', column: 'c', negated: true } },
    });
    expect(query.orderBy).toEqual([{ column: 'Last_Name', direction: 'desc' }, { column: 'id', direction: 'asc' }]);
    expect([query.limit, query.offset]).toEqual([10, 20]);
  });

  it('reads quoted strings with escapes, in lists, not like and between', () => {
    const query = parseCoql("select a from Leads where (n in ('O''Brien', 'it\\'s')) and m not like '%x%' and d between '2026-01-01' and '2026-12-31'");
    expect(JSON.stringify(query.where)).toContain("O'Brien");
    expect(JSON.stringify(query.where)).toContain("it's");
    expect(query.limit).toBe(200);
  });

  it('answers SYNTAX_ERROR or LIMIT_EXCEEDED for broken queries', () => {
    expect(errorCode(() => parseCoql('select a from Leads'))).toBe('SYNTAX_ERROR');
    expect(errorCode(() => parseCoql("select a from Leads where a = 'open"))).toBe('SYNTAX_ERROR');
    expect(errorCode(() => parseCoql('select a from Leads where a ~ 1'))).toBe('SYNTAX_ERROR');
    expect(errorCode(() => parseCoql("select a from Leads where a = 1 limit 5000"))).toBe('LIMIT_EXCEEDED');
    const columns = Array.from({ length: 51 }, (_, i) => `f${i}`).join(', ');
    expect(errorCode(() => parseCoql(`select ${columns} from Leads where a = 1`))).toBe('LIMIT_EXCEEDED');
  });
});

describe('search criteria parser', () => {
  it('parses nested and/or groups and escaped values', () => {
    const criteria = parseCriteria('((Last_Name:equals:Smith\\, Jr.)and((Email:starts_with:a)or(Title:in:CEO,CTO)))');
    expect(criteria).toEqual({
      kind: 'and',
      left: { kind: 'condition', field: 'Last_Name', operator: 'equals', values: ['Smith, Jr.'] },
      right: {
        kind: 'or',
        left: { kind: 'condition', field: 'Email', operator: 'starts_with', values: ['a'] },
        right: { kind: 'condition', field: 'Title', operator: 'in', values: ['CEO', 'CTO'] },
      },
    });
    expect(parseCriteria('(Modified_Time:greater_than:2026-11-21T10:00:00+00:00)')).toMatchObject({ values: ['2026-11-21T10:00:00+00:00'] });
  });

  it('refuses unknown operators, broken groups and more than ten conditions', () => {
    expect(errorCode(() => parseCriteria('(Email:like:x)'))).toBe('INVALID_QUERY');
    expect(errorCode(() => parseCriteria('((Email:equals:x)'))).toBe('INVALID_QUERY');
    const eleven = Array.from({ length: 11 }, (_, i) => `(F${i}:equals:x)`).join('and');
    expect(errorCode(() => parseCriteria(`(${eleven})`))).toBe('LIMIT_EXCEEDED');
  });
});

describe('OAuth scope matching', () => {
  it('lets broader scopes and ALL cover narrower ones', () => {
    expect(scopeGranted(['ZohoCRM.modules.ALL'], 'ZohoCRM.modules.contacts.READ')).toBe(true);
    expect(scopeGranted(['ZohoCRM.modules.contacts.ALL'], 'ZohoCRM.modules.contacts.DELETE')).toBe(true);
    expect(scopeGranted(['ZohoCRM.modules.READ'], 'ZohoCRM.modules.leads.READ')).toBe(true);
    expect(scopeGranted(['ZohoCRM.modules.contacts.WRITE'], 'ZohoCRM.modules.contacts.CREATE')).toBe(true);
    expect(scopeGranted(['zohocrm.settings.all'], 'ZohoCRM.settings.fields.READ')).toBe(true);
  });

  it('refuses other modules, other operations and other services', () => {
    expect(scopeGranted(['ZohoCRM.modules.contacts.READ'], 'ZohoCRM.modules.leads.READ')).toBe(false);
    expect(scopeGranted(['ZohoCRM.modules.contacts.READ'], 'ZohoCRM.modules.contacts.CREATE')).toBe(false);
    expect(scopeGranted(['ZohoCRM.modules.ALL'], 'ZohoSearch.securesearch.READ')).toBe(false);
    expect(scopeGranted(['ZohoCRM.modules.contacts.WRITE'], 'ZohoCRM.modules.contacts.DELETE')).toBe(false);
  });
});

describe('API names from labels', () => {
  it('follows Zoho\'s rule and never starts with a digit', () => {
    expect(apiNameFromLabel('Your Name')).toBe('Your_Name');
    expect(apiNameFromLabel('7Targets Context')).toBe('X7Targets_Context');
    expect(apiNameFromLabel('No. of  Seats!')).toBe('No_of_Seats');
  });
});
