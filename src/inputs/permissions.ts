// The inputs of permissions mode: it reads the deploy and stop inputs to scope the policy it prints, and calls
// no regional AWS API, so the region may be left out (the policy then has a placeholder for it).
import type { ModeRules } from './types.js'

export const PERMISSIONS_MODE: ModeRules = {
  mode: 'permissions',
  needsRegion: false,
  needsRepository: false,
  takesTaskArns: false
}
