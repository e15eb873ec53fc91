package io.github.springwithings.api;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * A device linked to the user ({@code v2/user action=getdevice}). Partner-only fields
 * ({@code mac_address}, {@code fw}, {@code network}, ...) stay in {@link #raw()}.
 *
 * @param deviceId the device id, as other answers' {@code deviceid}
 * @param type the kind ({@code Scale}, {@code Activity Tracker}, ...)
 * @param model the model name
 * @param modelId the model code, may be {@code null}
 * @param battery {@code high}, {@code medium} or {@code low}, may be {@code null}
 * @param timezone the device's time zone
 * @param firstSessionDate its first connection, may be {@code null}
 * @param lastSessionDate its last connection, may be {@code null}
 * @param raw the row as Withings sent it
 */
public record WithingsDevice(String deviceId, String type, String model, Integer modelId, String battery,
		String timezone, Instant firstSessionDate, Instant lastSessionDate, JsonNode raw) {

	static WithingsDevice of(JsonNode row) {
		return new WithingsDevice(WithingsJson.text(row.path("deviceid")), WithingsJson.text(row.path("type")),
				WithingsJson.text(row.path("model")), WithingsJson.integer(row.path("model_id")),
				WithingsJson.text(row.path("battery")), WithingsJson.text(row.path("timezone")),
				WithingsJson.instant(row.path("first_session_date")), WithingsJson.instant(row.path("last_session_date")),
				row);
	}

}
