// An eslint.config.cjs as users write it: the package's module object is the plugin, no `.default`.
const sqlRace = require('eslint-plugin-sql-race');

module.exports = [sqlRace.configs.recommended];
