export const id = 661;
export const ids = [661];
export const modules = {

/***/ 3871:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Jg: () => (/* binding */ Docker),
/* harmony export */   MA: () => (/* binding */ removeDockerConfigDir),
/* harmony export */   ZK: () => (/* binding */ registryHostFromEndpoint),
/* harmony export */   u1: () => (/* binding */ createDockerConfigDir)
/* harmony export */ });
/* unused harmony exports defaultUserConfigDir, digestFromPushOutput */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// Docker login, build, tag and push, in a Docker config folder of the action's own so that concurrent jobs
// on one runner never see, or log out, each other's registries.



/**
 * Creates RUNNER_TEMP/ecs-fargate-deploy-XXXX/ seeded with the user's config.json (so other logins and
 * credential helpers still serve a build) and links to their cli-plugins and buildx state.
 */
function createDockerConfigDir(tempRoot, userConfigDir = defaultUserConfigDir()) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(tempRoot, { recursive: true });
    const dir = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(tempRoot, 'ecs-fargate-deploy-docker-'));
    const userConfig = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(userConfigDir, 'config.json');
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, 'config.json'), (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(userConfig) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(userConfig) : '{}\n', {
        mode: 0o600
    });
    for (const shared of ['cli-plugins', 'buildx', 'contexts']) {
        const source = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(userConfigDir, shared);
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(source))
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.symlinkSync)(source, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, shared));
    }
    return dir;
}
function defaultUserConfigDir(env = process.env) {
    return env['DOCKER_CONFIG'] || (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.homedir)(), '.docker');
}
function removeDockerConfigDir(dir) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(dir, { recursive: true, force: true });
}
/** The registry host docker logs in to, from ECR's proxyEndpoint (https://123.dkr.ecr.us-east-1.amazonaws.com). */
function registryHostFromEndpoint(proxyEndpoint) {
    return proxyEndpoint.replace(/^[a-z]+:\/\//, '').replace(/\/+$/, '');
}
/** Reads the digest docker push prints: "latest: digest: sha256:… size: 528". */
function digestFromPushOutput(output) {
    return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}
class Docker {
    runner;
    configDir;
    env;
    constructor(runner, configDir) {
        this.runner = runner;
        this.configDir = configDir;
        this.env = { DOCKER_CONFIG: configDir };
    }
    async login({ registryHost, username, password }) {
        await this.runner.run('docker', ['login', '--username', username, '--password-stdin', registryHost], {
            input: password,
            env: this.env,
            silent: true
        });
    }
    async logout(registryHost) {
        await this.runner.run('docker', ['logout', registryHost], { env: this.env, silent: true });
    }
    async build(context, dockerfile, imageRef) {
        const fileArgs = dockerfile ? ['--file', dockerfile] : [];
        await this.runner.run('docker', ['build', ...fileArgs, '--tag', imageRef, context], { env: this.env });
    }
    async tag(source, target) {
        await this.runner.run('docker', ['tag', source, target], { env: this.env });
    }
    /** Pushes and returns the digest the registry answered with. */
    async push(imageRef) {
        const { stdout } = await this.runner.run('docker', ['push', imageRef], { env: this.env });
        return digestFromPushOutput(stdout);
    }
}


/***/ }),

/***/ 3190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ createCommandRunner)
/* harmony export */ });
/* unused harmony export CommandError */
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1260);
// The one place that runs commands. Every docker call goes through here so that failures carry stderr,
// and secrets travel on stdin only.

class CommandError extends Error {
    command;
    exitCode;
    stderr;
    constructor(command, exitCode, stderr) {
        super(`'${command}' failed with exit code ${exitCode}${stderr ? `: ${stderr}` : ''}`);
        this.command = command;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'CommandError';
    }
}
function createCommandRunner() {
    return {
        async run(command, args, options = {}) {
            const env = options.env ? { ...process.env, ...options.env } : undefined;
            const output = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H)(command, args, {
                ignoreReturnCode: true,
                silent: options.silent ?? false,
                input: options.input === undefined ? undefined : Buffer.from(options.input),
                env,
                cwd: options.cwd
            });
            if (output.exitCode !== 0) {
                throw new CommandError([command, ...args.slice(0, 2)].join(' '), output.exitCode, output.stderr.trim());
            }
            return { stdout: output.stdout, stderr: output.stderr };
        }
    };
}


/***/ }),

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _docker_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3871);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3190);
// The post step: log out of the registry and remove the action's own Docker config folder, even when the
// main step failed.



async function post() {
    const configDir = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu('dockerConfigDir');
    const registryHost = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu('registryHost');
    if (!configDir)
        return;
    if (registryHost) {
        try {
            await new _docker_js__WEBPACK_IMPORTED_MODULE_1__/* .Docker */ .Jg((0,_exec_js__WEBPACK_IMPORTED_MODULE_2__/* .createCommandRunner */ ._)(), configDir).logout(registryHost);
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Logged out of ${registryHost}`);
        }
        catch (error) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`docker logout ${registryHost} failed: ${error.message}`);
        }
    }
    (0,_docker_js__WEBPACK_IMPORTED_MODULE_1__/* .removeDockerConfigDir */ .MA)(configDir);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the Docker config folder ${configDir}`);
}


/***/ })

};
