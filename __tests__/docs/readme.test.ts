// The README is a front door: read in ten minutes, quick start first; the reference lives in docs/.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8')

/** The README's lines outside fenced code blocks, with their line numbers. */
function proseLines(markdown: string): Array<{ line: number; text: string }> {
  let inCode = false
  return markdown.split('\n').flatMap((text, index) => {
    if (/^\s*```/.test(text)) {
      inCode = !inCode
      return []
    }
    return inCode ? [] : [{ line: index + 1, text }]
  })
}

test('the README has at most 400 lines and 30 KB', () => {
  expect(README.split('\n').length).toBeLessThanOrEqual(400)
  expect(Buffer.byteLength(README)).toBeLessThanOrEqual(30 * 1024)
})

test('no README line outside code blocks is wider than 200 characters', () => {
  const wide = proseLines(README).filter(({ text }) => text.length > 200)
  expect(wide.map(({ line, text }) => `${line}: ${text.slice(0, 60)}…`)).toEqual([])
})

test('the quick start comes first, then the paths', () => {
  const headings = README.split('\n').filter((line) => line.startsWith('## '))
  expect(headings[0]).toBe('## Quick start')
  expect(headings[1]).toBe('## Pick your path')
})

test('the README still says the two commands on a fresh clone', () => {
  expect(README).toContain('npm run demo')
  expect(README).toContain('npm test')
})

test('every relative link of the README and docs/ points at a file that exists', () => {
  const pages = ['README.md', 'CONTRIBUTING.md', ...readdir('docs').map((name) => `docs/${name}`)]
  const broken: string[] = []
  for (const page of pages) {
    const text = readFileSync(resolve(ROOT, page), 'utf8')
    for (const [, target] of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)(#[^)]*)?\)/g)) {
      try {
        readFileSync(resolve(ROOT, dirname(page), target!))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EISDIR') broken.push(`${page} → ${target}`)
      }
    }
  }
  expect(broken).toEqual([])
})

function readdir(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir)).filter((name) => name.endsWith('.md'))
}
