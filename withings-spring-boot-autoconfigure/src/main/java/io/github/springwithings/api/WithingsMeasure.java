package io.github.springwithings.api;

import java.math.BigDecimal;

/**
 * One measure: its type (1 weight in kg, 4 height in m, 6 fat ratio in %, 8 fat mass in kg, 9/10
 * diastolic/systolic blood pressure in mmHg, 11 heart pulse in bpm, ... see Withings' API
 * reference) and its value, already scaled ({@code value × 10^unit}).
 *
 * @param type the Withings measure type
 * @param value the value
 */
public record WithingsMeasure(int type, BigDecimal value) {

	/** Measure type: weight (kg). */
	public static final int WEIGHT = 1;

}
