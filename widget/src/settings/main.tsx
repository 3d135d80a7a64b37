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

async function start(root: HTMLElement): Promise<void> {
  const { widgetKey: key, backendUrl: url } = await startWidget({ tab: true });
  const backendUrl = backendUrlOf(url);
  // The administrator session lives in this page's memory only: never in storage, never in a URL.
  let session: string | null = null;
  const backend = key && backendUrl ? createBackend(backendUrl, key, () => session) : null;
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
      const listener = (event: MessageEvent) => {
        const data = event.data as { type?: string; token?: string } | null;
        if (event.origin !== new URL(backendUrl).origin || data?.type !== 'salesassist:admin-session' || !data.token) return;
        window.removeEventListener('message', listener);
        session = data.token;
        resolve();
      };
      window.addEventListener('message', listener);
    });
  render(
    <SettingsApp
      backend={backend}
      authorizeUrl={backendUrl ? `${backendUrl}/oauth/zoho/start?origin=${encodeURIComponent(location.origin)}` : null}
      signIn={signIn}
      isAdmin={() => session !== null}
      openWindow={(target) => void window.open(target, 'salesassist-authorize', 'width=520,height=640')}
    />,
    root,
  );
}

const root = document.getElementById('app')!;
start(root).catch(showStartFailure(root));
