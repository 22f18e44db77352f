export const id = 779;
export const ids = [779];
export const modules = {

/***/ 5779:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPermissionsMode: () => (/* binding */ runPermissionsMode)
/* harmony export */ });
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(331);

async function readAccount(deps) {
    if (!deps.getAccountId) {
        deps.info(`No AWS credentials to read the account id with; the policy uses the placeholder ${_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .ACCOUNT_PLACEHOLDER */ .a7}.`);
        return undefined;
    }
    try {
        const account = await deps.getAccountId();
        if (account && /^\d{12}$/.test(account))
            return account;
        deps.info(`STS did not return an account id; the policy uses the placeholder ${_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .ACCOUNT_PLACEHOLDER */ .a7}.`);
    }
    catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        deps.info(`Could not read the account id (${reason}); the policy uses the placeholder ${_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .ACCOUNT_PLACEHOLDER */ .a7}. ` +
            'Configure AWS credentials before this step to get the real account id.');
    }
    return undefined;
}
function json(value) {
    return JSON.stringify(value, null, 2);
}
async function runPermissionsMode(inputs, deps) {
    const account = await readAccount(deps);
    const scope = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .scopeFor */ .aN)(inputs, account);
    const policy = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .policyFor */ .KV)(inputs, account);
    const policyJson = json(policy);
    const request = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .permissionRequestText */ .cb)(inputs, account);
    deps.info('Least-privilege IAM policy for these inputs (deploy, then stop):');
    deps.info(policyJson);
    deps.setOutput('policy', JSON.stringify(policy));
    const sections = [
        '## IAM permissions for ecs-fargate-deploy',
        '',
        `Repository \`${scope.repository}\`, cluster \`${scope.cluster}\`, family \`${scope.family}\`, ` +
            `region \`${scope.region}\`, account \`${scope.account}\`.` +
            (account
                ? ''
                : ` Replace \`${_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .ACCOUNT_PLACEHOLDER */ .a7}\` with your account id (no credentials were available).`),
        '',
        '### Policy for the identity the workflow uses',
        '',
        'It allows a deploy with these inputs and stopping its tasks (mode: stop).',
        '',
        '```json',
        policyJson,
        '```'
    ];
    if (inputs.createExecutionRole && !inputs.executionRole.startsWith('arn:')) {
        const role = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .executionRoleDocuments */ .Fc)(scope.partition);
        sections.push('', `### Task execution role \`${inputs.executionRole}\``, '', 'The action creates it when it does not exist, with this trust policy:', '', '```json', json(role.trustPolicy), '```', '', `and the AWS managed policy \`${role.managedPolicyArn}\`. To create it yourself instead, do the same ` +
            'and set create-execution-role: false.');
    }
    sections.push('', '### Request for your security team', '', '```text', request, '```', '');
    await deps.writeSummary(sections.join('\n'));
    return { policy, account: scope.account, accountKnown: account !== undefined };
}


/***/ })

};
