// `npm start` runs dist/main.js: the compiled tree keeps src/ and migrations/ side by side
// (dist/src, dist/migrations), so this one-line entry points at dist/src/main.js.
import { writeFileSync } from 'node:fs';

writeFileSync('dist/main.js', "import './src/main.js';\n");
