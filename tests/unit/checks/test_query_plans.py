"""Plan reading on recorded explain output (MongoDB classic and slot-based, PostgreSQL JSON)."""

from checks.lib.query_plans import mongo_plan_summary, pg_plan_summary


def test_mongo_classic_ixscan_under_fetch_and_sort():
    explain = {"queryPlanner": {"winningPlan": {"stage": "SORT", "inputStage": {"stage": "FETCH", "inputStage": {
        "stage": "IXSCAN", "indexName": "user_id_1_symbol_1"}}}}}
    assert mongo_plan_summary(explain) == (["user_id_1_symbol_1"], "IXSCAN user_id_1_symbol_1")


def test_mongo_slot_based_plan_and_collscan():
    sbe = {"queryPlanner": {"winningPlan": {"queryPlan": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "a_1"}}}}}
    assert mongo_plan_summary(sbe)[0] == ["a_1"]
    scan = {"queryPlanner": {"winningPlan": {"stage": "COLLSCAN", "direction": "forward"}}}
    assert mongo_plan_summary(scan) == ([], "COLLSCAN")
    union = {"queryPlanner": {"winningPlan": {"stage": "OR", "inputStages": [{"stage": "IXSCAN", "indexName": "a_1"},
                                                                              {"stage": "COLLSCAN"}]}}}
    assert mongo_plan_summary(union) == (["a_1"], "IXSCAN a_1, COLLSCAN")


def test_pg_seq_scan_and_bitmap_index_scan():
    seq = [{"Plan": {"Node Type": "Seq Scan", "Relation Name": "positions"}}]
    assert pg_plan_summary(seq) == ([], "Seq Scan on positions")
    bitmap = [{"Plan": {"Node Type": "Bitmap Heap Scan", "Relation Name": "positions", "Plans": [
        {"Node Type": "Bitmap Index Scan", "Index Name": "idx_positions_user_symbol"}]}}]
    used, text = pg_plan_summary(bitmap)
    assert used == ["idx_positions_user_symbol"]
    assert text == "Bitmap Heap Scan on positions, Bitmap Index Scan using idx_positions_user_symbol"
