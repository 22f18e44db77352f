// ECR state: the repositories. Their images live in the real registry (registry.ts), which asks this state
// whether a repository exists before it accepts a push.

export interface Repository {
  repositoryName: string
  repositoryArn: string
  registryId: string
  repositoryUri: string
  createdAt: Date
  imageTagMutability: string
  imageScanningConfiguration: { scanOnPush: boolean }
  encryptionConfiguration: { encryptionType: string }
  tags: Array<{ Key: string; Value: string }>
}

export interface EcrState {
  repositories: Map<string, Repository>
}

export const newEcrState = (): EcrState => ({ repositories: new Map() })
