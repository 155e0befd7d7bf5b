// Build mongo-express's front-end assets (its npm tarball ships without them, and without its webpack config).
// Usage: node build-assets.mjs MONGO_EXPRESS_DIR BUILD_TOOLS_DIR
// Writes MONGO_EXPRESS_DIR/build/ (served under /public) and MONGO_EXPRESS_DIR/build-assets.json
// (read by lib/middleware.js: {entry: {js: "public/<entry>.js"}}). No babel: the bundles target
// current browsers, which keeps the build to webpack + two CSS loaders.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [meDir, toolsDir] = process.argv.slice(2).map((p) => path.resolve(p));
if (!meDir || !toolsDir) {
  console.error('usage: node build-assets.mjs MONGO_EXPRESS_DIR BUILD_TOOLS_DIR');
  process.exit(2);
}
const toolsRequire = createRequire(path.join(toolsDir, 'package.json'));
const webpack = toolsRequire('webpack');
const buildDir = path.join(meDir, 'build');

// The entries the views ask for (lib/views/*.html: assets.<name>.js); `codemirror` is the shared editor chunk.
const entry = {
  vendor: './lib/scripts/vendor.js',
  codemirror: { import: './lib/scripts/editor.js', dependOn: 'vendor' },
  index: { import: './lib/scripts/index.js', dependOn: 'vendor' },
  login: { import: './lib/scripts/login.js', dependOn: 'vendor' },
  database: { import: './lib/scripts/database.js', dependOn: 'vendor' },
  gridfs: { import: './lib/scripts/gridfs.js', dependOn: 'vendor' },
  collection: { import: './lib/scripts/collection.js', dependOn: ['vendor', 'codemirror'] },
  document: { import: './lib/scripts/document.js', dependOn: ['vendor', 'codemirror'] },
};

const config = {
  mode: 'production',
  context: meDir,
  entry,
  output: { filename: '[name].js', path: buildDir, publicPath: 'public/', clean: true },
  resolveLoader: { modules: [path.join(toolsDir, 'node_modules')] },
  performance: { hints: false },
  module: {
    rules: [
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(png|svg|jpg|gif|woff2?)$/, type: 'asset/resource' },
    ],
  },
  plugins: [new webpack.DefinePlugin({ 'process.env.NODE_ENV': JSON.stringify('production'), __DEV__: false })],
};

webpack(config, (err, stats) => {
  if (err || stats.hasErrors()) {
    console.error(err ? err.stack || String(err) : stats.toString({ all: false, errors: true }));
    process.exit(1);
  }
  // Static files the layout links directly: public/css/*.css and public/img/*.
  for (const [from, to] of [['public/stylesheets', 'css'], ['public/images', 'img']]) {
    fs.mkdirSync(path.join(buildDir, to), { recursive: true });
    for (const name of fs.readdirSync(path.join(meDir, from))) {
      fs.copyFileSync(path.join(meDir, from, name), path.join(buildDir, to, name));
    }
  }
  const assets = Object.fromEntries(Object.keys(entry).map((name) => [name, { js: `public/${name}.js` }]));
  fs.writeFileSync(path.join(meDir, 'build-assets.json'), `${JSON.stringify(assets, null, 2)}\n`);
  console.log(`built ${Object.keys(entry).length} bundles into ${buildDir}`);
});
