import { render } from 'preact';
import { loadZohoSdk } from '../host/load-sdk.js';
import { followContentHeight } from '../host/host.js';
import { zohoHost } from '../host/zoho-host.js';
import { createBackend } from '../shared/backend.js';
import { HostContext } from '../shared/context.js';
import { RecordWidget } from './RecordWidget.js';
import '../shared/widget.css';

const WIDGET_KEY_VARIABLE = 'salesassist__Widget_Key';
const BACKEND_URL_VARIABLE = 'salesassist__Backend_Url';

async function start(root: HTMLElement): Promise<void> {
  await loadZohoSdk();
  const host = zohoHost({ tab: false });
  // Nothing is asked of the host before it has registered the widget and said where it is.
  await host.context();
  followContentHeight(host, document.body);
  const [key, url] = await Promise.all([host.orgVariable(WIDGET_KEY_VARIABLE), host.orgVariable(BACKEND_URL_VARIABLE)]);
  if (!key || !url) {
    root.textContent = 'The assistant is not connected yet: an administrator authorizes it in the settings tab.';
    return;
  }
  render(
    <HostContext.Provider value={host}>
      <RecordWidget backend={createBackend(url, key)} />
    </HostContext.Provider>,
    root,
  );
}

const root = document.getElementById('app')!;
start(root).catch((error: unknown) => {
  root.textContent = error instanceof Error ? error.message : String(error);
});
