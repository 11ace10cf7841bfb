import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connection } from './api/client';
import { asIpcError } from './api/errors';
import './styles.css';

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
