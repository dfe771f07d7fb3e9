/** The tray app's windows load everything from app://burrow itself: the shared policy, nothing added. */
export { contentSecurityPolicy } from '../../shared/content-security-policy.js';
