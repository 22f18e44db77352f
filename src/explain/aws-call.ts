// Which AWS call an error came from: annotateAwsErrors makes every failed command of a client carry it. Apart
// from aws-errors.ts so that creating a client does not load the permissions table (only explaining does).
import type { HandlerExecutionContext, InitializeHandlerOptions, InitializeMiddleware } from '@smithy/types'

/** What the SDK was calling when an error was thrown, attached by annotateAwsErrors. */
export interface AwsCall {
  service: string
  operation: string
  input: unknown
}

const AWS_CALL = Symbol.for('ecs-fargate-deploy.aws-call')

const SERVICE_OF_CLIENT: Record<string, string> = {
  ECRClient: 'ecr',
  ECSClient: 'ecs',
  EC2Client: 'ec2',
  IAMClient: 'iam',
  CloudWatchLogsClient: 'logs',
  STSClient: 'sts',
  SchedulerClient: 'scheduler',
  EventBridgeClient: 'events'
}

export function serviceOfClient(clientName: string | undefined): string {
  if (!clientName) return 'aws'
  return SERVICE_OF_CLIENT[clientName] ?? clientName.replace(/Client$/, '').toLowerCase()
}

/** The call an error came from, if annotateAwsErrors saw it. */
export function awsCallOf(error: unknown): AwsCall | undefined {
  if (error === null || typeof error !== 'object') return undefined
  return (error as { [AWS_CALL]?: AwsCall })[AWS_CALL]
}

/** Attaches the call (service, operation, input) to an error, without making it enumerable or printable. */
export function attachAwsCall(error: unknown, call: AwsCall): void {
  if (error === null || typeof error !== 'object' || awsCallOf(error)) return
  Object.defineProperty(error, AWS_CALL, { value: call, enumerable: false, configurable: true })
}

interface MiddlewareStackLike {
  add(
    middleware: InitializeMiddleware<object, object>,
    options: InitializeHandlerOptions & { name: string }
  ): void
}

const ANNOTATE_MIDDLEWARE = 'ecsFargateDeployAnnotateErrors'

/**
 * Makes every command of this client that fails carry `{ service, operation, input }` on its error, so
 * explainError can say which step needed which permission. Safe to call twice on one client.
 */
export function annotateAwsErrors<C extends { middlewareStack: object }>(client: C): C {
  const middleware: InitializeMiddleware<object, object> =
    (next, context: HandlerExecutionContext) => async (args) => {
      try {
        return await next(args)
      } catch (error) {
        attachAwsCall(error, {
          service: serviceOfClient(context.clientName),
          operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          input: args.input
        })
        throw error
      }
    }
  ;(client.middlewareStack as MiddlewareStackLike).add(middleware, {
    step: 'initialize',
    name: ANNOTATE_MIDDLEWARE,
    override: true
  })
  return client
}
