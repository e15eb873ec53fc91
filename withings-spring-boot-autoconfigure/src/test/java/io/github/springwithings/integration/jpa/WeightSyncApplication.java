package io.github.springwithings.integration.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A newcomer's application: Spring MVC, Spring Data JPA, an H2 database, sign-in with Withings and
 * a background sync (scheduling is not enabled here: the tests run the job themselves).
 */
@SpringBootApplication
public class WeightSyncApplication {

}
