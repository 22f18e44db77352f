// Builds the action's bundle: the CommonJS entry dist/index.cjs (esbuild), the ES modules behind it (ncc), then
// every chunk minified.
//
//   node scripts/package.mjs [OUT_DIR]   (default dist)
//
// Why a CommonJS entry: a bad input is the common fast path, and starting Node's ES module loader alone costs
// about a fifth of a bare `node -e 0`. dist/index.cjs holds src/index.ts and the input validation only (the
// build fails if anything else gets in); it imports dist/steps.js, ncc's ES module build of src/steps.ts, after
// the inputs validate. action.yml's main and post run dist/index.cjs.
//
// Why not `ncc build --minify`: ncc minifies only the entry file, and without compression, so the lazy
// chunks (the AWS clients, @actions/core) shipped as written. Here ncc resolves packages by their ES module
// build first ("module" before "main"), so webpack can drop the commands and schemas a client never uses,
// and esbuild then minifies every file. Each chunk starts with a comment that says what it holds.
import ncc from '@vercel/ncc'
import { build, transform } from 'esbuild'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))

const ENTRY = 'index.cjs'
const STEPS = 'steps.js'

/** src/index.ts as one CommonJS file: our own code only, ./steps.js left as an import() of the ES module build. */
async function entry() {
  const result = await build({
    entryPoints: [join(root, 'src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    external: [`./${STEPS}`],
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent'
  })
  if (result.warnings.length > 0) throw new Error(`esbuild warned: ${JSON.stringify(result.warnings)}`)
  const outside = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('src/'))
  if (outside.length > 0)
    throw new Error(`${ENTRY} must hold only the input validation, but bundles ${outside.join(', ')}`)
  return `/* ecs-fargate-deploy entry: the inputs' validation; imports ./${STEPS} after it */\n${result.outputFiles[0].text}`
}

const { code, assets, stats } = await ncc(join(root, 'src/steps.ts'), {
  minify: false,
  quiet: true,
  // No cache: a build served from ncc's cache comes without module stats, and the chunk labels were lost.
  cache: false,
  license: 'licenses.txt',
  mainFields: ['module', 'main']
})

/** chunk file → what it holds: packages by bundled size, or the source files for chunks of our own code. */
function chunkContents() {
  const contents = new Map()
  const json = stats.toJson({
    all: false,
    chunks: true,
    chunkModules: true,
    chunkModulesSpace: Infinity,
    nestedModules: true,
    nestedModulesSpace: Infinity,
    dependentModules: true
  })
  for (const chunk of json.chunks ?? []) {
    const sizes = new Map()
    const add = (modules) => {
      for (const module of modules ?? []) {
        if (module.modules?.length) {
          add(module.modules)
          continue
        }
        const name = module.name ?? ''
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name)?.[1] ?? /\bsrc\/([^ ]+)/.exec(name)?.[1]
        if (pkg) sizes.set(pkg, (sizes.get(pkg) ?? 0) + (module.size ?? 0))
      }
    }
    add(chunk.modules)
    const names = [...sizes].sort((a, b) => b[1] - a[1]).map(([name]) => name)
    if (names.length > 12) names.splice(12, names.length, `${names.length - 12} more`)
    for (const file of chunk.files ?? []) contents.set(file, names)
  }
  return contents
}

const contents = chunkContents()
const files = { [STEPS]: { source: code, permissions: 0o644 }, ...assets }
rmSync(out, { recursive: true, force: true })
for (const [name, asset] of Object.entries(files)) {
  const path = join(out, name)
  mkdirSync(dirname(path), { recursive: true })
  let source = asset.source
  if (name.endsWith('.js')) {
    const held = contents.get(name) ?? []
    const minified = await transform(String(source), {
      minify: true,
      // Error and class names stay readable (and anything that reads a constructor's name keeps working).
      keepNames: true,
      format: 'esm',
      target: 'node24',
      legalComments: 'none'
    })
    const header = name === STEPS ? 'steps: loads the main or the post step' : `chunk: ${held.join(', ')}`
    source = `/* ecs-fargate-deploy ${header} */\n${minified.code}`
  }
  writeFileSync(path, source, { mode: asset.permissions ?? 0o644 })
}
writeFileSync(join(out, ENTRY), await entry(), { mode: 0o644 })
console.log(`Built ${relative(process.cwd(), out) || '.'}: ${Object.keys(files).length + 1} files`)
