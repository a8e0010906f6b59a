/** Proof of control of keys: challenges, responses verified by an injected verifier, a dated log, overdue keys. */
export {
  answerChallenge,
  challengeMessage,
  CONTROL_LOG_FORMAT,
  ControlError,
  controlStatus,
  emptyControlLog,
  issueChallenge,
  parseControlLog,
  type Challenge,
  type ControlCheck,
  type ControlErrorCode,
  type ControlLog,
  type KeyControlStatus,
  type MessageVerifier,
  type SignatureVerdict,
} from './log.js';
