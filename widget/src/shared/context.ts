import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Host } from '../host/host.js';

export const HostContext = createContext<Host | null>(null);

export function useHost(): Host {
  const host = useContext(HostContext);
  if (!host) throw new Error('no Host in context');
  return host;
}
