package io.github.springwithings.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The sample: sign in with Withings, see your weight, let a background job sync it. With no
 * {@code WITHINGS_CLIENT_ID} it runs on an embedded Withings simulator ({@link EmbeddedWithings}).
 */
@SpringBootApplication
@EnableScheduling
public class WithingsSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(WithingsSampleApplication.class, args);
	}

}
