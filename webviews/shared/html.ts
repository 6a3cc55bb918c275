/**
 * The HTML shell of every panel: a strict Content Security Policy (no inline script or style without the
 * nonce, nothing from the network), the bundled script, and the panel's data only through postMessage. Used by
 * the extension's panel hosts and by the headless-Chromium tests (the same page, outside VS Code).
 */
export interface PanelHtmlOptions {
  title: string;
  /** webview.asWebviewUri of dist/webviews/<name>.js (a file: URL in tests). */
  scriptUri: string;
  /** webview.cspSource (the origin local resources are served from). */
  cspSource: string;
  nonce: string;
}

export function makeNonce(random: (n: number) => Uint8Array): string {
  return Array.from(random(18), (b) => b.toString(16).padStart(2, '0')).join('');
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function panelHtml(o: PanelHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data: blob:`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `script-src 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title)}</title>
<style nonce="${o.nonce}">${BASE_CSS}</style>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script nonce="${o.nonce}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}

/** Theme colours only through VS Code's CSS variables (with fallbacks for the tests' plain page). */
const BASE_CSS = `
:root { color-scheme: light dark; }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #1f1f1f); background: var(--vscode-editor-background, #ffffff); margin: 0; padding: 12px 16px; }
h1 { font-size: 1.4em; margin: 0 0 8px; } h2 { font-size: 1.1em; margin: 0 0 6px; }
.muted { color: var(--vscode-descriptionForeground, #6b6b6b); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--vscode-panel-border, #d0d0d0); border-radius: 4px; padding: 10px; min-width: 0; }
.card canvas.chart { width: 100% !important; height: 300px !important; }
.card canvas { max-width: 100%; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0 8px; }
button, select { font: inherit; color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0e639c);
  border: 1px solid var(--vscode-contrastBorder, transparent); border-radius: 2px; padding: 2px 8px; cursor: pointer; }
select { color: var(--vscode-dropdown-foreground, inherit); background: var(--vscode-dropdown-background, transparent); border-color: var(--vscode-dropdown-border, #999); }
button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--vscode-focusBorder, #0078d4); outline-offset: 1px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--vscode-panel-border, #ddd); padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
details { margin-top: 6px; } details table { font-size: 0.9em; display: block; max-height: 240px; overflow: auto; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border: 1px solid var(--vscode-contrastBorder, transparent); }
.status { font-size: 0.9em; margin-left: auto; }
body.vscode-high-contrast .card, body.vscode-high-contrast-light .card { border-color: var(--vscode-contrastBorder, #fff); border-width: 2px; }
`;
