// npm run screenshots: docs/images/*.png, the job summaries of sample runs (scripts/summary-fixtures.ts, written
// by the action's own summary code) as GitHub shows them: Markdown rendered by a GFM renderer (marked), Mermaid
// diagrams drawn by mermaid in Debian's headless Chromium. Fails when a Mermaid block does not parse or draw.
// Not part of npm test: it needs `apt-get install chromium` (CHROMIUM=path for another binary).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { marked } from 'marked'
import { summaryFixtures } from './summary-fixtures.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const IMAGES = join(ROOT, 'docs', 'images')
const MERMAID = join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js')
const WIDTH = 1000

/** Close to GitHub's Markdown styles (github-markdown-css), enough to judge what a reader sees. */
const CSS = `
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; width: ${WIDTH}px; padding: 24px 32px; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.markdown-body h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0;
  margin: 0 0 16px; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre,
.markdown-body details { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body table { border-collapse: collapse; display: block; width: max-content; max-width: 100%;
  overflow: auto; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; background: #f6f8fa; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; white-space: pre; }
.markdown-body pre code { padding: 0; background: none; font-size: 100%; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body hr { height: 4px; border: 0; background: #d1d9e0; margin: 24px 0; }
.markdown-body blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body pre.mermaid { background: #fff; border: 1px solid #d1d9e0; text-align: center; }
`

/** The page: the summary's Markdown as HTML, Mermaid blocks drawn, and the outcome written into the page. */
export function pageFor(markdown: string): string {
  const html = (marked.parse(markdown, { gfm: true, async: false }) as string).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    '<pre class="mermaid">$1</pre>'
  )
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>${CSS}</style>
<script src="${pathToFileURL(MERMAID).href}"></script></head>
<body><article class="markdown-body">${html}</article>
<script>
  const blocks = document.querySelectorAll('pre.mermaid').length
  const done = (outcome) => {
    document.body.dataset.outcome = outcome
    document.body.dataset.height = String(Math.ceil(document.querySelector('article').getBoundingClientRect().height))
  }
  mermaid.initialize({ startOnLoad: false, theme: 'default', gantt: { useWidth: ${WIDTH - 100} } })
  mermaid.run({ querySelector: 'pre.mermaid' }).then(
    () => {
      const drawn = document.querySelectorAll('pre.mermaid svg').length
      const errors = document.body.innerText.includes('Syntax error')
      done(errors || drawn !== blocks ? 'error: ' + drawn + ' of ' + blocks + ' drawn' : 'ok: ' + blocks)
    },
    (error) => done('error: ' + error)
  )
</script></body></html>`
}

function chromium(args: string[]): string {
  const binary = process.env['CHROMIUM'] ?? 'chromium'
  const profile = mkdtempSync(join(tmpdir(), 'efd-chromium-'))
  try {
    return execFileSync(
      binary,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--hide-scrollbars',
        '--allow-file-access-from-files',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=15000',
        ...args
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }
    )
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

async function main(): Promise<number> {
  mkdirSync(IMAGES, { recursive: true })
  const scratch = mkdtempSync(join(tmpdir(), 'efd-screenshots-'))
  let failed = 0
  try {
    for (const { name, markdown } of await summaryFixtures()) {
      const page = join(scratch, `${name}.html`)
      writeFileSync(page, pageFor(markdown))
      const url = pathToFileURL(page).href
      // First the DOM once Mermaid has run: whether it drew, and how tall the page is.
      const dom = chromium([`--window-size=${WIDTH},800`, '--dump-dom', url])
      const outcome = /data-outcome="([^"]*)"/.exec(dom)?.[1] ?? 'error: the page did not finish'
      const height = Number(/data-height="(\d+)"/.exec(dom)?.[1] ?? '800')
      if (!outcome.startsWith('ok')) {
        console.error(`${name}: Mermaid ${outcome}`)
        failed++
        continue
      }
      const png = join(IMAGES, `${name}.png`)
      chromium([`--window-size=${WIDTH},${height}`, `--screenshot=${png}`, url])
      console.log(`${name}: ${png} (${WIDTH}×${height}, Mermaid ${outcome})`)
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  return failed === 0 ? 0 : 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main()
}
