/**
 * Something the machine lacks for the real-Ray lane (Python, pip, Ray, a free port). Its message
 * is one line that says what is missing and what to install or do; the lane prints it as is.
 */
export class LaneSetupError extends Error {
  name = 'LaneSetupError';
}
