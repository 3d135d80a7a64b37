import { render } from 'preact';
import { createBackend } from '../shared/backend.js';
import { HostContext } from '../shared/context.js';
import { showStartFailure, startWidget } from '../shared/start.js';
import { RecordWidget } from './RecordWidget.js';
import '../shared/widget.css';

async function start(root: HTMLElement): Promise<void> {
  const { host, widgetKey: key, backendUrl: url } = await startWidget({ tab: false });
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
start(root).catch(showStartFailure(root));
