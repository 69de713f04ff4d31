import { configFor } from '@parley/eslint-config';

export default configFor('server', import.meta.dirname);
