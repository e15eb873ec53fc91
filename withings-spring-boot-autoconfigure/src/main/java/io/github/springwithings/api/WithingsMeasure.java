package io.github.springwithings.api;

import java.math.BigDecimal;

/**
 * One measure: its type (1 weight in kg, 4 height in m, 6 fat ratio in %, 8 fat mass in kg, 9/10
 * diastolic/systolic blood pressure in mmHg, 11 heart pulse in bpm, ... see Withings' API
 * reference) and its value, already scaled ({@code value × 10^unit}, exactly: Withings' 65750 with
 * unit -3 is {@code 65.750}). Types without a constant here, documented or not, are kept with
 * their code.
 *
 * @param type the Withings measure type
 * @param value the value
 */
public record WithingsMeasure(int type, BigDecimal value) {

	/** Measure type: weight (kg). */
	public static final int WEIGHT = 1;

	/** Measure type: height (m). */
	public static final int HEIGHT = 4;

	/** Measure type: fat ratio (%). */
	public static final int FAT_RATIO = 6;

	/** Measure type: diastolic blood pressure (mmHg). */
	public static final int DIASTOLIC_BLOOD_PRESSURE = 9;

	/** Measure type: systolic blood pressure (mmHg). */
	public static final int SYSTOLIC_BLOOD_PRESSURE = 10;

	/** Measure type: heart pulse (bpm). */
	public static final int HEART_PULSE = 11;

}
