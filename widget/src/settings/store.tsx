import { type ComponentChildren, createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AssistantView, CrmDetailsAnswer, SequenceView } from '../../../server/src/contract/settings.js';
import type { Backend } from '../shared/backend.js';

/**
 * What every section of the settings tab shares, passed by context: the backend, whether an action
 * is running, the org's assistants and sequences as last loaded, and the one way to run an
 * administrator's action.
 */
export interface SettingsStore {
  backend: Backend;
  busy: boolean;
  connected: boolean;
  details: CrmDetailsAnswer | null;
  assistants: AssistantView[];
  sequences: SequenceView[];
  /** Loads CRM Details, the assistants and the sequences again. */
  reload: () => Promise<void>;
  /**
   * Runs an administrator's action (signing in first when needed) and shows its answer. A failure
   * goes to `onFailure` first, which answers what is left for the top of the page (null: nothing,
   * it was shown next to the fields). Answers whether the action succeeded.
   */
  asAdmin: (action: () => Promise<string>, onFailure?: (error: unknown) => string | null) => Promise<boolean>;
}

const SettingsContext = createContext<SettingsStore | null>(null);

export function SettingsProvider({ store, children }: { store: SettingsStore; children: ComponentChildren }) {
  return <SettingsContext.Provider value={store}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsStore {
  const store = useContext(SettingsContext);
  if (!store) throw new Error('no SettingsStore in context');
  return store;
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
