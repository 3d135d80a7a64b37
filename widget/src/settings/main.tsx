import { render } from 'preact';
import { createBackend } from '../shared/backend.js';
import { showStartFailure, startWidget } from '../shared/start.js';
import '../shared/widget.css';
import { SettingsApp } from './SettingsApp.js';

/**
 * Where our backend is: the org variable once connected; before that, this page's own origin when
 * the backend serves the widget itself (it never is Zoho's file host).
 */
function backendUrlOf(variable: string | null): string | null {
  if (variable) return variable;
  return /(^|\.)zappscontents\.com$/.test(location.hostname) ? null : location.origin;
}

interface AdminSession {
  token: string;
  email: string;
  /** On the backend's clock (it may run ahead, in the demo): informational; the backend checks every call, and a refusal ends the session here. */
  expiresAt: number;
}

const SESSION_KEY = 'salesassist:admin-session';

function readSession(): AdminSession | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as AdminSession | null;
    return parsed && typeof parsed.token === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

function writeSession(session: AdminSession | null): void {
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage refused (a sandboxed frame): the session then lasts as long as this page.
  }
}

async function start(root: HTMLElement): Promise<void> {
  const { widgetKey: key, backendUrl: url } = await startWidget({ tab: true });
  const backendUrl = backendUrlOf(url);
  // The administrator session (our own, 8 hours; never a Zoho token) is kept in this tab's
  // sessionStorage, so it lasts across actions and reloads of the tab and ends with it; never in a URL.
  const stored = readSession();
  let session: AdminSession | null = stored;
  const backend = key && backendUrl ? createBackend(backendUrl, key, () => session?.token ?? null) : null;
  const signIn = () =>
    new Promise<void>((resolve, reject) => {
      if (!backendUrl) return reject(new Error("The assistant's server address is not known."));
      // Opened at once (a pop-up must open on the click), then sent to the sign-in with a ticket that shows it is this org's.
      const popup = window.open('about:blank', 'salesassist-signin', 'width=520,height=640');
      if (!popup) return reject(new Error('The sign-in window was blocked: allow pop-ups for Zoho CRM and try again.'));
      const start = `${backendUrl}/oauth/zoho/start?purpose=admin&origin=${encodeURIComponent(location.origin)}`;
      void (backend ? backend.post<{ ticket: string }>('/sign-in-ticket').then((answer) => `${start}&ticket=${encodeURIComponent(answer.ticket)}`, () => start) : Promise.resolve(start)).then((url) => {
        popup.location.href = url;
      });
      const done = (outcome: () => void) => {
        window.removeEventListener('message', listener);
        window.clearInterval(watch);
        // The tab says how it went; the window has nothing more to do (and the next sign-in opens afresh).
        if (!popup.closed) popup.close();
        outcome();
      };
      const listener = (event: MessageEvent) => {
        const data = event.data as { type?: string; token?: string; expiresAt?: number; email?: string; title?: string; message?: string } | null;
        if (event.origin !== new URL(backendUrl).origin) return;
        if (data?.type === 'salesassist:admin-session' && data.token) {
          done(() => {
            session = { token: data.token!, email: data.email ?? '', expiresAt: data.expiresAt ?? 0 };
            writeSession(session);
            resolve();
          });
        } else if (data?.type === 'salesassist:admin-session-failed') {
          done(() => reject(new Error(`Not signed in: ${data.title ?? 'the sign-in failed'}. ${data.message ?? ''}`.trim())));
        }
      };
      window.addEventListener('message', listener);
      // Closed before it answered (the user closed it, or Zoho's page went away): say so, and free the page.
      const watch = window.setInterval(() => {
        if (popup.closed) done(() => reject(new Error('Not signed in: the sign-in window was closed before signing in. Nothing was changed.')));
      }, 500);
    });
  const signOut = () => {
    session = null;
    writeSession(null);
  };
  render(
    <SettingsApp
      backend={backend}
      authorizeUrl={backendUrl ? `${backendUrl}/oauth/zoho/start?origin=${encodeURIComponent(location.origin)}` : null}
      signIn={signIn}
      isAdmin={() => session !== null}
      adminEmail={() => session?.email ?? null}
      signOut={signOut}
      openWindow={(target) => void window.open(target, 'salesassist-authorize', 'width=520,height=640')}
    />,
    root,
  );
}

const root = document.getElementById('app')!;
start(root).catch(showStartFailure(root));
