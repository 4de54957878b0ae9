/** The `env` value that selects a custom environment module (`env_module`). */
export const CUSTOM_ENV = 'custom';
