import { zohoErrors } from '../errors.js';
import { RECORD_MODULES } from '../metadata.js';

/** Zoho accepts module names in any case and answers with the canonical API name. */
export function resolveRecordModule(name: string): string {
  const canonical = RECORD_MODULES.find((module) => module.toLowerCase() === name.toLowerCase());
  if (!canonical) throw zohoErrors.invalidModule(name);
  return canonical;
}

export function moduleScope(module: string, op: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE'): string {
  return `ZohoCRM.modules.${module.toLowerCase()}.${op}`;
}
