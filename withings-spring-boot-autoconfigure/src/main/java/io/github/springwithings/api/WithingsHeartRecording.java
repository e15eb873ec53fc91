package io.github.springwithings.api;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * One ECG recording of {@code v2/heart action=list} (the signal itself is {@code v2/heart
 * action=get} with {@link #signalId()}, through {@code call}). Blood pressure ({@code bloodpressure},
 * BPM Core) and other objects stay in {@link #raw()}.
 *
 * @param timestamp when it was recorded
 * @param deviceId the device, may be {@code null}
 * @param model the device model code, may be {@code null}
 * @param signalId {@code ecg.signalid}, may be {@code null}
 * @param afib {@code ecg.afib}, Withings' atrial fibrillation classification code, kept as sent
 * @param heartRate the heart rate (bpm), may be {@code null}
 * @param modified when Withings last changed it
 * @param raw the row as Withings sent it
 */
public record WithingsHeartRecording(Instant timestamp, String deviceId, Integer model, Long signalId, Integer afib,
		Integer heartRate, Instant modified, JsonNode raw) {

	static WithingsHeartRecording of(JsonNode row) {
		return new WithingsHeartRecording(WithingsJson.instant(row.path("timestamp")),
				WithingsJson.text(row.path("deviceid")), WithingsJson.integer(row.path("model")),
				WithingsJson.whole(row.path("ecg").path("signalid")), WithingsJson.integer(row.path("ecg").path("afib")),
				WithingsJson.integer(row.path("heart_rate")), WithingsJson.instant(row.path("modified")), row);
	}

}
