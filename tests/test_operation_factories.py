"""The operation factories other tests build on."""


def test_make_operation_and_target(org, make_client, make_operation, make_target):
    operation = make_operation(org["manager"])
    assert [s.position for s in operation.steps] == [1, 2, 3, 4]
    assert operation.sale_step.name == "Signature"
    assert [a.mandatory for a in operation.steps[0].actions] == [True, False]
    target = make_target(operation, make_client(advisor=org["advisor"]))
    assert target.advisor_id == org["advisor"].id and target.colour is None
