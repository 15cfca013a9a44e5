// Browser tests run under @web/test-runner's mocha, which puts `describe`/`it`/hooks on the page's
// global object. (Node tests import them from `node:test` instead.)
/// <reference types="mocha" />
