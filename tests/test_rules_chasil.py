"""C.Hasil consistency, DPT and target checks, and the statuses they give."""

from core_sheet import codes, issue, results, row, run


def test_consistent_row_is_ok():
    result = run(row(**results()))
    assert codes(result) == [] and result.status_of(2) == ("OK", "")
    assert result.valid


def test_sum_paslon_ne_sah():
    result = run(row(**results(suara_sah=299)))
    found = issue(result, "sum_paslon_ne_sah", 2)
    assert found.message("id") == "Baris 2: jumlah suara paslon 300 tidak sama dengan suara sah 299"
    assert result.status_of(2)[1] == "Jumlah suara paslon 300 tidak sama dengan suara sah 299; " \
        "Suara sah 299 + tidak sah 5 = 304, bukan pengguna hak pilih 305"


def test_sah_plus_tidak_sah_ne_pengguna():
    result = run(row(**results(pengguna_hak_pilih=310)))
    assert codes(result) == ["sah_tidak_sah_ne_pengguna"]
    assert issue(result, "sah_tidak_sah_ne_pengguna").params == {"sah": 300, "tidak_sah": 5, "total": 305,
                                                                  "pengguna": 310}


def test_pengguna_over_dpt_dpph_dptb():
    ok = run(row(**results(dpt=300, dpph=3, dptb=2)))      # 305 voters = 300 + 3 + 2
    assert codes(ok) == []
    over = run(row(**results(dpt=300, dpph=3, dptb=1)))
    assert issue(over, "pengguna_over_dpt").params == {"pengguna": 305, "limit": 304}


def test_pengguna_check_waits_for_dpph_and_dptb():
    # blank is "not yet filled": without DPPh/DPTb the upper bound is unknown
    result = run(row(**results(dpt=300, dpph="", dptb="")))
    assert "pengguna_over_dpt" not in codes(result)


def test_paslon_over_dpt_times_tolerance():
    result = run(row(**results(p1=200, p2=100, p3=100, dpt=390)))   # 400 > 390 * 1.02 = 397.8
    found = issue(result, "paslon_over_dpt")
    assert found.severity == "error" and found.params["limit"] == 397
    assert "DPT x 1.02" in found.message("id")
    within = run(row(**results(p1=200, p2=100, p3=97, dpt=390, tidak_sah=0, dptb=10)))  # 397 <= 397.8
    assert "paslon_over_dpt" not in codes(within)


def test_paslon_over_dpt_even_when_partly_filled():
    result = run(row(dpt=100, paslon_1=150))
    assert "paslon_over_dpt" in codes(result) and result.status_of(2)[0] == "SALAH"


def test_dpt_over_600():
    result = run(row(dpt=601), row(tps=2, dpt=600))
    found = issue(result, "dpt_over_max", 2)
    assert found.message("id") == "DPT baris 2: DPT 601 lebih dari 600 pemilih per TPS"
    assert codes(result, 3) == []


def test_target_over_dpt_is_a_warning():
    result = run(row(**results(target=500, dpt=400)))
    found = issue(result, "target_over_dpt")
    assert found.severity == "warning"
    assert result.status_of(2) == ("PERIKSA", "Target Suara: target 500 lebih dari DPT 400")
    assert result.valid


def test_partly_filled_is_belum_diisi_with_blank_fields_named():
    result = run(row(dpt=400, paslon_1=10, paslon_2=20))
    status, message = result.status_of(2)
    assert status == "BELUM DIISI"
    assert message == "Hasil belum lengkap: Paslon 3, Suara Sah, Suara Tidak Sah, Pengguna Hak Pilih kosong"


def test_partly_filled_with_an_error_is_salah_and_lists_every_problem():
    result = run(row(dpt=400, paslon_1="12a", paslon_2=20, dpph=-1))
    status, message = result.status_of(2)
    assert status == "SALAH"
    assert codes(result, 2) == ["negative_number", "not_integer", "results_incomplete"]  # column order
    assert message.count(";") == 2


def test_not_reported_rows_are_never_salah_for_blank_results():
    result = run(row(dpt=400, target=80))
    assert codes(result) == [] and result.status_of(2) == ("BELUM DIISI", "Hasil belum diisi")


def test_sum_paslon_ne_sah_both_ways():
    # suara sah above the paslon sum is as wrong as below it
    above = run(row(**results(suara_sah=301, pengguna_hak_pilih=306)))
    assert codes(above) == ["sum_paslon_ne_sah"]
    assert issue(above, "sum_paslon_ne_sah").params == {"sum_paslon": 300, "sah": 301}


def test_paslon_exactly_dpt_times_tolerance_is_valid():
    # the rule is "above DPT x 1.02": DPT 100 allows 102 votes, not 103
    at = run(row(**results(p1=52, p2=25, p3=25, dpt=100, tidak_sah=0, dptb=2)))
    assert "paslon_over_dpt" not in codes(at)
    over = run(row(**results(p1=53, p2=25, p3=25, dpt=100, tidak_sah=0, dptb=3)))
    assert issue(over, "paslon_over_dpt").params["limit"] == 102
