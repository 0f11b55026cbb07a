/**
 * The Content-Security-Policy of the renderer's pages, the same under Electron's app protocol and
 * from the browser server: our own scripts only, and connections only back to the host.
 */
export function rendererCsp(extraConnectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // tfjs's WebAssembly backend compiles wasm; nothing else is evaluated.
    "script-src 'self' 'wasm-unsafe-eval'",
    // ECharts and Vue transitions set style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ["connect-src 'self'", ...extraConnectSources].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
