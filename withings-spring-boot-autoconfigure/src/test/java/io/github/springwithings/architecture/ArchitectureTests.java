package io.github.springwithings.architecture;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the library's packages, checked on its compiled classes: no cycle between packages,
 * Spring Boot only where Boot is configured, the layers below never pointing at the layers above,
 * internal packages kept out of the API, and no nested type of one feature used by another.
 */
class ArchitectureTests {

	private static final String ROOT = "io.github.springwithings";

	private static JavaClasses library;

	@BeforeAll
	static void importLibrary() {
		library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(ROOT);
	}

	@Test
	void packagesWhenImportedThenFreeOfCycles() {
		ArchRule rule = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();
		rule.check(library);
	}

	@Test
	void springBootWhenUsedThenOnlyByAutoConfigurationActuatorAndAot() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackages(ROOT + ".autoconfigure..", ROOT + ".actuate..", ROOT + ".aot..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..");
		rule.check(library);
	}

	@Test
	void groundPackagesWhenImportedThenPointAtNoFeature() {
		ArchRule support = noClasses().that()
			.resideInAPackage(ROOT + ".support..")
			.should()
			.dependOnClassesThat(outside(ROOT + ".support.."));
		ArchRule api = noClasses().that()
			.resideInAPackage(ROOT + ".api..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".oauth2..", ROOT + ".web..", ROOT + ".notification..", ROOT + ".ratelimit..",
					ROOT + ".actuate..", ROOT + ".autoconfigure..");
		ArchRule internal = noClasses().that()
			.resideInAPackage(ROOT + ".internal..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".oauth2..", ROOT + ".web..", ROOT + ".notification..", ROOT + ".ratelimit..",
					ROOT + ".actuate..", ROOT + ".autoconfigure..", ROOT + ".api..");
		ArchRule library = noClasses().that()
			.resideOutsideOfPackages(ROOT + ".autoconfigure..", ROOT + ".aot..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(ROOT + ".autoconfigure..");
		ArchRule actuator = noClasses().that()
			.resideOutsideOfPackages(ROOT + ".autoconfigure..", ROOT + ".actuate..", ROOT + ".aot..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(ROOT + ".actuate..");
		support.check(ArchitectureTests.library);
		api.check(ArchitectureTests.library);
		internal.check(ArchitectureTests.library);
		library.check(ArchitectureTests.library);
		actuator.check(ArchitectureTests.library);
	}

	@Test
	void publicApiWhenDeclaredThenExposesNoInternalType() {
		ArchRule rule = classes().that()
			.resideOutsideOfPackage(ROOT + ".internal..")
			.and()
			.arePublic()
			.should(exposeNoInternalType());
		rule.check(library);
	}

	/**
	 * A nested interface used by another package is a utility hiding in a feature class (a
	 * {@code Sleeper} once lived in the single-flight refresh): it belongs in {@code support}.
	 * Nested enums, records and handles that describe their own class stay, as Spring Security's do.
	 */
	@Test
	void nestedTypesWhenPublicThenNotUsedAsUtilitiesElsewhere() {
		ArchRule rule = classes().that()
			.areNestedClasses()
			.and()
			.arePublic()
			.and()
			.areInterfaces()
			.and()
			.resideOutsideOfPackage(ROOT + ".internal..")
			.should(beUsedOnlyInTheirOwnPackage())
			.allowEmptyShould(true);
		rule.check(library);
	}

	private static DescribedPredicate<JavaClass> outside(String packageIdentifier) {
		return DescribedPredicate.describe("outside " + packageIdentifier,
				(type) -> type.getPackageName().startsWith(ROOT)
						&& !PackageMatcher.of(packageIdentifier)
							.matches(type.getPackageName()));
	}

	private static ArchCondition<JavaClass> exposeNoInternalType() {
		return new ArchCondition<>("expose no type of an internal package in a public or protected member") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				for (JavaMember member : type.getMembers()) {
					if (!member.getModifiers().contains(JavaModifier.PUBLIC)
							&& !member.getModifiers().contains(JavaModifier.PROTECTED)) {
						continue;
					}
					List<JavaClass> exposed = new ArrayList<>();
					if (member instanceof JavaField field) {
						exposed.add(field.getRawType());
					}
					if (member instanceof JavaCodeUnit code) {
						exposed.add(code.getRawReturnType());
						exposed.addAll(code.getRawParameterTypes());
					}
					exposed.stream()
						.filter((exposedType) -> exposedType.getPackageName().startsWith(ROOT + ".internal"))
						.forEach((exposedType) -> events.add(SimpleConditionEvent.violated(member,
								member.getFullName() + " exposes " + exposedType.getName())));
				}
			}

		};
	}

	private static ArchCondition<JavaClass> beUsedOnlyInTheirOwnPackage() {
		return new ArchCondition<>("be used only in their own package (utilities are top-level types)") {

			@Override
			public void check(JavaClass nested, ConditionEvents events) {
				nested.getDirectDependenciesToSelf()
					.stream()
					.filter((dependency) -> !dependency.getOriginClass().getPackageName().equals(nested.getPackageName()))
					.forEach((dependency) -> events.add(SimpleConditionEvent.violated(dependency,
							nested.getName() + " is used from " + dependency.getOriginClass().getName())));
			}

		};
	}

}
