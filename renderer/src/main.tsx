// First: zod must be told before any schema module loads.
import './zod-without-eval.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectApi } from './bridge/connect-api.js';
import { NoTokenScreen } from './screens/NoTokenScreen.js';
import './styles.css';

const connection = connectApi();
createRoot(document.getElementById('root')!).render(
  <StrictMode>{connection.kind === 'no-token' ? <NoTokenScreen /> : <App connection={connection} />}</StrictMode>,
);
