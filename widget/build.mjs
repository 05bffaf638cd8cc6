// Bundles the widget and socket.io-client into one self-contained file: dist/aftercare-widget.js.
import { readFile } from 'node:fs/promises';
import { build, transform } from 'esbuild';

// Browsers with custom elements, shadow DOM and optional chaining: Chrome/Edge 91+, Firefox 90+, Safari 15+.
const TARGET = ['chrome91', 'firefox90', 'safari15', 'edge91'];

// The stylesheet goes into the shadow root as a string, minified.
const cssAsMinifiedText = {
  name: 'css-as-minified-text',
  setup(builder) {
    builder.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const { code } = await transform(await readFile(path, 'utf8'), { loader: 'css', minify: true, target: TARGET });
      return { contents: code, loader: 'text' };
    });
  },
};

await build({
  entryPoints: ['src/widget.js'],
  outfile: 'dist/aftercare-widget.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: TARGET,
  minify: true,
  legalComments: 'eof',
  plugins: [cssAsMinifiedText],
  logLevel: 'info',
});
