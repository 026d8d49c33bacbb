import { hexLines, svgDataUrl, wordLines } from './ceremony-text.js';

/** A SHA-256 three ways: hex to compare, words to read aloud, a QR code to scan with a second device. */
export function HashDisplay({ sha256, words, qrSvg, testId }: { sha256: string; words: readonly string[]; qrSvg?: string; testId: string }) {
  return (
    <div className="hash-display" data-testid={testId} data-sha256={sha256}>
      <div className="hash-display__text">
        <pre className="hash-display__hex mono" data-testid={`${testId}-hex`}>
          {hexLines(sha256).join('\n')}
        </pre>
        <ol className="hash-display__words" data-testid={`${testId}-words`}>
          {wordLines(words).map((l) => (
            <li key={l.n} className="hash-display__line">
              <span className="hash-display__n">{l.n}</span>
              {l.words.join(' ')}
            </li>
          ))}
        </ol>
      </div>
      {qrSvg ? (
        <img
          className="hash-display__qr"
          data-testid={`${testId}-qr`}
          src={svgDataUrl(qrSvg)}
          alt={`QR code of the SHA-256 ${sha256}`}
          width={168}
          height={168}
        />
      ) : null}
    </div>
  );
}
