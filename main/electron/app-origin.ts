export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://gatehouse`;
