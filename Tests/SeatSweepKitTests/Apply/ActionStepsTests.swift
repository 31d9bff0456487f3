import Testing

@testable import SeatSweepKit

/// Deciding what to send from the live state and what the journal left in flight.
@Suite struct ActionStepsTests {
    let jira = PlanGroup(groupId: "g-jira", name: "jira-users-acme")
    let other = PlanGroup(groupId: "g-jira2", name: "Jira-Software-Users")
    let staff = PlanGroup(groupId: "g-staff", name: "all-staff")
    let plan = PlanFixtures.plan([PlanFixtures.action()])

    func intent(_ step: JournalStep, _ group: PlanGroup?) -> JournalIntent {
        JournalIntent(at: "t", action: plan.actions[0], step: step, group: group, request: "x")
    }

    @Test func removalSendsOnlyGrantingGroupsTheAccountIsIn() {
        let granting = GrantingGroups(ids: ["g-jira"], names: ["jira-software-users", "never-member"])
        let s = ActionSteps.removal(granting: granting, current: [jira, other, staff], inFlight: [])
        #expect(s.groups == [jira, other])
        #expect(s.confirmed.isEmpty && s.stale.isEmpty)
    }

    @Test func anInterruptedRemovalIsSettledByReadingBack() {
        let granting = GrantingGroups(ids: ["g-jira", "g-jira2"])
        let applied = intent(.removeGroup, jira)
        let notApplied = intent(.removeGroup, other)
        let s = ActionSteps.removal(granting: granting, current: [other, staff], inFlight: [applied, notApplied])
        #expect(s.confirmed == [applied])
        #expect(s.stale == [notApplied])
        #expect(s.groups == [other])
    }

    @Test func restoreSendsOnlyMissingGroups() {
        let inFlight = intent(.addGroup, jira)
        let s = ActionSteps.restore(targets: [jira, staff], current: [jira], inFlight: [inFlight])
        #expect(s.confirmed == [inFlight])
        #expect(s.groups == [staff])
    }

    @Test(arguments: [
        (PlanAction.Kind.suspend, false, true), (.suspend, true, false), (.restoreAccess, true, true),
        (.restoreAccess, false, false),
    ])
    func accountWide(_ kind: PlanAction.Kind, _ suspended: Bool, _ send: Bool) {
        let pending = intent(kind == .suspend ? .suspend : .restoreAccess, nil)
        let s = ActionSteps.accountWide(kind, suspended: suspended, inFlight: [pending])
        #expect(s.sendAccountRequest == send)
        #expect(s.confirmed == (send ? [] : [pending]))
        #expect(s.stale == (send ? [pending] : []))
    }

    @Test func goals() {
        let remove = PlanFixtures.action()
        let granting = GrantingGroups(ids: ["g-jira"])
        #expect(!ActionSteps.goalMet(remove, granting: granting, current: [jira, staff]))
        #expect(ActionSteps.goalMet(remove, granting: granting, current: [staff]))
        let restore = PlanFixtures.action(.restoreGroups, targets: [jira, staff])
        #expect(ActionSteps.goalMet(restore, granting: granting, current: [staff, jira]))
        #expect(!ActionSteps.goalMet(restore, granting: granting, current: [staff]))
        #expect(VerificationReport.status(goalMet: true, journalSaysDone: false) == .done)
        #expect(VerificationReport.status(goalMet: false, journalSaysDone: true) == .changedSince)
        #expect(VerificationReport.status(goalMet: false, journalSaysDone: false) == .notDone)
    }
}
