import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connection } from './api/client';
import { asIpcError } from './api/errors';
import './styles.css';

// The theme before the first paint (App keeps it in sync afterwards): no light flash in dark mode.
try {
  const stored = localStorage.getItem('coral.theme');
  const dark =
    stored === 'dark' || (stored !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
} catch {
  // Storage unavailable: App applies the system theme on mount.
}

const root = createRoot(document.getElementById('root') as HTMLElement);
try {
  connection();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
} catch (e) {
  // No transport (opened without the token): say so instead of a blank page.
  const err = asIpcError(e);
  root.render(
    <div className="fatal">
      <h1>Coral Studio</h1>
      <p className="strong">{err.message}</p>
      {err.hint && <p>{err.hint}</p>}
    </div>,
  );
}
