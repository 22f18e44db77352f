// The runner's workflow commands and file commands, written as @actions/core 3 writes them (the same names, the
// same bytes: __tests__/runner/commands.test.ts compares the two), for the few this action uses.
// Why not @actions/core itself: its module imports its OIDC client at load, and with it @actions/http-client and
// undici, about a quarter of the code a task deploy would otherwise compile (measured by npm run bench), for a
// token this action never asks for. @actions/github still brings them in where it is used (deployments, comments).
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { access, appendFile } from 'node:fs/promises'
import { constants } from 'node:fs'
import { EOL } from 'node:os'

/** An annotation's place and title (the subset of @actions/core's AnnotationProperties this action sets). */
export interface AnnotationProperties {
  title?: string
}

/** What a value becomes in a command: strings as they are, nothing as '', anything else as JSON. */
function toCommandValue(input: unknown): string {
  if (input === null || input === undefined) return ''
  if (typeof input === 'string' || input instanceof String) return String(input)
  return JSON.stringify(input)
}

const escapeData = (value: unknown) =>
  toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')

const escapeProperty = (value: unknown) => escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** `::name key=value,key=value::message` on a line of its own; empty properties are left out. */
export function formatCommand(name: string, properties: Record<string, unknown>, message: unknown): string {
  const pairs = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
  return `::${name}${pairs.length > 0 ? ` ${pairs.join(',')}` : ''}::${escapeData(message)}`
}

function issueCommand(name: string, properties: Record<string, unknown>, message: unknown): void {
  process.stdout.write(formatCommand(name, properties, message) + EOL)
}

/** Appends `name<<DELIMITER` … to the file the runner named in GITHUB_<command> (OUTPUT, STATE). */
function issueFileCommand(command: 'OUTPUT' | 'STATE', name: string, value: unknown): void {
  const path = process.env[`GITHUB_${command}`]
  if (!path) throw new Error(`Unable to find environment variable for file command ${command}`)
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  const text = toCommandValue(value)
  if (name.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`)
  if (text.includes(delimiter))
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`)
  appendFileSync(path, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' })
}

const annotation = (properties: AnnotationProperties) => (properties.title ? { title: properties.title } : {})
const messageOf = (message: string | Error) => (message instanceof Error ? message.toString() : message)

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('warning', annotation(properties), messageOf(message))
}

export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('notice', annotation(properties), messageOf(message))
}

export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  issueCommand('error', annotation(properties), messageOf(message))
}

/** The step fails (exit code 1) with this error annotation. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1
  error(message)
}

/** The runner masks this value in every later line of the log. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function setOutput(name: string, value: unknown): void {
  if (process.env['GITHUB_OUTPUT']) return issueFileCommand('OUTPUT', name, value)
  process.stdout.write(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

export function saveState(name: string, value: unknown): void {
  if (process.env['GITHUB_STATE']) return issueFileCommand('STATE', name, value)
  issueCommand('save-state', { name }, toCommandValue(value))
}

/** What the main step saved, as the runner passes it to the post step (`STATE_<name>`). */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || ''
}

/** The lines `fn` prints, folded under `name` in the log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', {}, name)
  try {
    return await fn()
  } finally {
    issueCommand('endgroup', {}, '')
  }
}

/** The step summary (GITHUB_STEP_SUMMARY): text added, then appended to the file by write(). */
class Summary {
  private buffer = ''

  addRaw(text: string, addEOL = false): this {
    this.buffer += addEOL ? text + EOL : text
    return this
  }

  async write(): Promise<this> {
    const path = process.env['GITHUB_STEP_SUMMARY']
    if (!path)
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
      )
    try {
      await access(path, constants.R_OK | constants.W_OK)
    } catch {
      throw new Error(
        `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`
      )
    }
    await appendFile(path, this.buffer, { encoding: 'utf8' })
    this.buffer = ''
    return this
  }
}

export const summary = new Summary()
