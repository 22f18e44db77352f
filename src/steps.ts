// The ES module half of the bundle. The entry (src/index.ts, bundled as the CommonJS dist/index.cjs so that a
// bad input fails before Node's ES module loader even starts) imports this only after the inputs validate;
// each step then loads only its own code: the post step never loads the main step's.
export const loadMain = () => import('./main.js')
export const loadPost = () => import('./post.js')
