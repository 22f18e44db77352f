export const id = 71;
export const ids = [71];
export const modules = {

/***/ 9071:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MAX_ATTEMPTS: () => (/* binding */ MAX_ATTEMPTS),
/* harmony export */   clientConfig: () => (/* binding */ clientConfig),
/* harmony export */   createDeployClients: () => (/* binding */ createDeployClients),
/* harmony export */   createStopClients: () => (/* binding */ createStopClients),
/* harmony export */   createStsClient: () => (/* binding */ createStsClient)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

/** Throttling and transient errors are retried by the SDK's standard strategy, with more attempts than its default 3. */
const MAX_ATTEMPTS = 8;
function clientConfig(region) {
    return { region, maxAttempts: MAX_ATTEMPTS, retryMode: 'standard', customUserAgent: 'ecs-fargate-deploy' };
}
async function createDeployClients(region) {
    const config = clientConfig(region);
    const [ecr, ecs, ec2, iam, logs] = await Promise.all([
        Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19)).then((m) => new m.ECRClient(config)),
        Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19)).then((m) => new m.ECSClient(config)),
        Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193)]).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19)).then((m) => new m.EC2Client(config)),
        Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19)).then((m) => new m.IAMClient(config)),
        Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(303)]).then(__webpack_require__.t.bind(__webpack_require__, 303, 19)).then((m) => new m.CloudWatchLogsClient(config))
    ]);
    for (const client of [ecr, ecs, ec2, iam, logs])
        (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .annotateAwsErrors */ .x)(client);
    return { ecr, ecs, ec2, iam, logs };
}
async function createStopClients(region) {
    const { ECSClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19));
    const ecs = new ECSClient(clientConfig(region));
    (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .annotateAwsErrors */ .x)(ecs);
    return { ecs };
}
async function createStsClient(region) {
    const { STSClient } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(695)]).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19));
    const sts = new STSClient(clientConfig(region || 'us-east-1'));
    (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .annotateAwsErrors */ .x)(sts);
    return sts;
}


/***/ })

};
