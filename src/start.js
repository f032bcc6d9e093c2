// Starts the app from a file of its own rather than trunk's inline script, so
// that the page's Content-Security-Policy needs neither 'unsafe-inline' nor a
// hash that changes with every build. trunk's preload links name the hashed
// files and carry their integrity; the WebAssembly is fetched with it.
const bindings = document.querySelector('link[rel="modulepreload"]');
const wasm = document.querySelector('link[rel="preload"][as="fetch"]');

// Shown as text, in the page's own error style, when the app cannot start at
// all; a panic once it runs is shown by the app itself (the .crash panel).
function reportFailure(error) {
  if (document.querySelector('.crash')) return;
  const panel = document.createElement('div');
  panel.className = 'message error';
  panel.setAttribute('role', 'alert');
  const text = document.createElement('p');
  text.textContent =
    'CM Request Viewer could not start (' + ((error && error.message) || error) + '). ' +
    'This browser may be too old: it needs WebAssembly with SIMD (Edge or Chrome 91, Firefox 89, ' +
    'Safari 16.4 or later). Or the web server sent a damaged or changed file: ask its administrator ' +
    'to copy the whole folder again and to serve .wasm files as application/wasm.';
  panel.append(text);
  document.body.append(panel);
}

try {
  const { default: init } = await import(bindings.href);
  await init({ module_or_path: fetch(wasm.href, { integrity: wasm.integrity }) });
} catch (error) {
  reportFailure(error);
}
