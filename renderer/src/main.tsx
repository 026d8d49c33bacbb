import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ErrorReporterProvider } from './components/error-reporter.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <ErrorReporterProvider>
        <App />
      </ErrorReporterProvider>
    </ErrorBoundary>
  </StrictMode>,
);
