package io.github.springwithings.simulator;

/**
 * One measure of a group recorded with {@link WithingsSimulator#recordMeasures}, as Withings
 * sends it: the real value is {@code value × 10^unit}.
 *
 * @param type the Withings measure type (any code, documented or not)
 * @param value the unscaled value
 * @param unit the power of ten
 */
public record SimulatorMeasure(int type, long value, int unit) {
}
